/**
 * bench:disk — how long one WAL-like flush takes on this machine's disk, quiet and while the disk absorbs a bulk
 * write (what a checkpoint or another program's write-back does). A bid's acknowledgement waits for one WAL flush
 * (synchronous_commit on), so a flush that stalls holds every bid of the lot queued behind it: this is the floor
 * under the ack p99 of `bench:bidding`'s ack-rate phase (docs/BENCHMARKS.md, sixth pass).
 *
 * Each probe appends 8 KiB to a file and calls fdatasync, back to back, for BENCH_DISK_SECONDS (20); the second
 * probe runs while `dd` writes BENCH_DISK_BULK_MB (3000) MiB to the same file system and syncs it. One JSON line
 * per probe: syncs, syncs/s, p50/p99/p99.9/max ms, how many took over 20 and 30 ms.
 *
 *   BENCH_DISK_DIR=/var/lib/postgresql   where to write (default: PostgreSQL's data directory's parent when
 *     writable, else the system's temporary directory); use the file system of PostgreSQL's WAL
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench:disk: ${name} must be a positive number, got ${JSON.stringify(raw)}\n`);
    process.exit(1);
  }
  return value;
}

const SECONDS = setting('BENCH_DISK_SECONDS', 20);
const BULK_MB = Math.floor(setting('BENCH_DISK_BULK_MB', 3000));

function defaultDir(): string {
  try {
    accessSync('/var/lib/postgresql', constants.W_OK);
    return '/var/lib/postgresql';
  } catch {
    return tmpdir();
  }
}
const DIR = process.env.BENCH_DISK_DIR ?? defaultDir();

/** Appends 8 KiB and flushes it, back to back, until `until` (ms, performance clock); the flushes' durations in ms. */
function probe(file: string, until: number): number[] {
  const fd = openSync(file, 'w', 0o600);
  const page = randomBytes(8192);
  const durations: number[] = [];
  try {
    while (performance.now() < until) {
      const t = performance.now();
      writeSync(fd, page);
      fdatasyncSync(fd);
      durations.push(performance.now() - t);
      if (durations.length % 2048 === 0) writeSync(fd, page, 0, page.length, 0); // stay within 16 MiB, as a WAL segment does
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  return durations;
}

function line(name: string, durations: number[], extra: Record<string, unknown> = {}): void {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({
      probe: name,
      dir: DIR,
      seconds: SECONDS,
      syncs: sorted.length,
      syncsPerSecond: Math.round(sorted.length / SECONDS),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      p999Ms: at(0.999),
      maxMs: Math.round(sorted[sorted.length - 1] * 10) / 10,
      over20Ms: sorted.filter((d) => d > 20).length,
      over30Ms: sorted.filter((d) => d > 30).length,
      ...extra,
    })}\n`,
  );
}

async function main(): Promise<void> {
  process.stdout.write(`bench:disk: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), writing in ${DIR}; nothing else of this project should run\n`);
  line('quiet', probe(join(DIR, `zjp-disk-probe-${process.pid}`), performance.now() + SECONDS * 1000));

  // the same probe while dd writes BULK_MB MiB beside it and syncs them (a write-back the flushes queue behind)
  const bulk = join(DIR, `zjp-disk-bulk-${process.pid}`);
  const dd = spawn('dd', ['if=/dev/zero', `of=${bulk}`, 'bs=1M', `count=${BULK_MB}`, 'conv=fdatasync'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let ddOutput = '';
  dd.stderr.on('data', (chunk: Buffer) => (ddOutput += chunk.toString()));
  const ddDone = new Promise<number | null>((resolve) => dd.on('close', resolve));
  // the probe blocks this thread; dd runs in its own process, and its output is read once the probe ends
  await new Promise((r) => setTimeout(r, 200));
  const durations = probe(join(DIR, `zjp-disk-probe-${process.pid}`), performance.now() + SECONDS * 1000);
  const code = await ddDone;
  try {
    unlinkSync(bulk);
  } catch {
    // dd may have failed before creating it
  }
  line('during-bulk-write', durations, { bulkMB: BULK_MB, dd: code === 0 ? ddOutput.trim().split('\n').pop() : `exit ${code}: ${ddOutput.trim()}` });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:disk: ${String(err)}\n`);
  process.exit(1);
});
