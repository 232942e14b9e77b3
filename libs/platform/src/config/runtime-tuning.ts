import { setFlagsFromString } from 'node:v8';
import type { AppConfig } from './app-config';

/**
 * Process-wide settings of the runtime, applied at the start of a process (the API's and the worker's
 * main) before it allocates much. GC_PARALLEL_SCAVENGE=off makes V8 collect the young generation on
 * the process's own thread: V8 reads the flag at each scavenge, so it takes effect when set at run time.
 */
export function tuneRuntime(config: Pick<AppConfig, 'GC_PARALLEL_SCAVENGE'>): void {
  setFlagsFromString(config.GC_PARALLEL_SCAVENGE === 'off' ? '--no-parallel-scavenge' : '--parallel-scavenge');
}
