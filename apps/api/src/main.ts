import 'reflect-metadata';
// The configuration first, from its own modules: a bad setting stops the process with one line before the
// application's modules are loaded (about 3 s of start-up on a 2-core machine).
import { loadConfigOrExit } from '../../../libs/platform/src/config/app-config';
import { tuneRuntime } from '../../../libs/platform/src/config/runtime-tuning';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  tuneRuntime(config);
  const { createApiApp } = await import('./bootstrap');
  const app = await createApiApp(config);
  await app.listen(config.PORT, '0.0.0.0');
  const url = await app.getUrl();
  process.stdout.write(`api listening on ${url.replace('[::1]', '127.0.0.1')} (OpenAPI at /api/docs)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
