/*
 * What the fault runs (test/resilience/faults.ts) start for themselves: a private PostgreSQL
 * cluster and a private Redis on their own ports in a temporary directory (never the machine's
 * shared servers, which the runs stop and restart), the built API and worker as OS processes, and
 * the machine's CPU figures.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the kernel's choice; released before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------- PostgreSQL

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/N/bin), else pg_config's. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config
  }
  throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) found: install them with "apt-get install postgresql"');
}

/** initdb and the server refuse to run as root: as root, they run as the `postgres` user. */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

export class PrivatePostgres {
  private readonly bin = postgresBin();
  private readonly data: string;
  readonly log: string;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.data = join(dir, 'pgdata');
    this.log = join(dir, 'postgres.log');
  }

  /** initdb (trust authentication for the postgres role, UTF-8) into `dir`/pgdata; not started yet. */
  static async create(dir: string): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(dir, await freePort());
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    pg.run('initdb', ['-D', pg.data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8']);
    return pg;
  }

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  url(database: string): string {
    return `${this.serverUrl}/${database}`;
  }

  private run(tool: string, args: string[]): string {
    const [cmd, argv] = pgCommand(join(this.bin, tool), args);
    // cwd /: the postgres user may not be able to read the caller's directory
    const r = spawnSync(cmd, argv, { cwd: '/', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /** Starts the server and waits until it accepts connections (pg_ctl -w). */
  start(): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200', // two API processes and a worker at 20 each, their replacements while the dead ones' backends linger, and the checker
      '-c shared_buffers=64MB',
      '-c fsync=on',
      '-c synchronous_commit=on',
    ].join(' ');
    this.run('pg_ctl', ['-D', this.data, '-l', this.log, '-w', '-t', '60', '-o', options, 'start']);
  }

  /** `immediate`: every server process quits at once without a checkpoint, as after a crash (recovery replays the WAL at the next start). */
  stop(mode: 'fast' | 'immediate'): void {
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** The postmaster's pid while it runs (for CPU figures). */
  pid(): number | undefined {
    try {
      return Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  /** Best effort, from an exit handler: synchronous, never throws. */
  stopNow(): void {
    if (this.pid() === undefined) return;
    const [cmd, argv] = pgCommand(join(this.bin, 'pg_ctl'), ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(cmd, argv, { cwd: '/', stdio: 'ignore' });
  }
}

// ---------------------------------------------------------------- Redis

/** redis-server as a child process, append-only file on (as in docker/compose.yml: BullMQ's queues survive a restart). */
export class PrivateRedis {
  private child?: ChildProcess;
  readonly log: string;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.log = join(dir, 'redis.log');
  }

  static async create(dir: string): Promise<PrivateRedis> {
    return new PrivateRedis(dir, await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--logfile',
        this.log,
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`redis-server could not be started (install it with "apt-get install redis-server"): ${err.message}`)));
    });
    await waitFor(`redis-server on port ${this.port}`, () => this.ping(), 30_000);
  }

  /** SIGKILL: Redis dies as in a crash (what it wrote to its append-only file is what comes back). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let answer = '';
      socket.setTimeout(1000);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('\r\n')) {
          socket.destroy();
          resolve(answer.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
  }

  stopNow(): void {
    if (this.pid !== undefined) this.child!.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- the built API and worker

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** the API's URL (from its "api listening on" line) */
  url: string;
  log: string;
  /** the last output lines, for a report */
  tail(): string;
  alive(): boolean;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts dist/`entry` as an OS process (its output in `log`) and waits for the line that says it is ready. */
export async function startApp(
  name: string,
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  logDir: string,
  timeoutMs = 120_000,
): Promise<AppProcess> {
  const log = join(logDir, `${name}.log`);
  const file: WriteStream = createWriteStream(log, { flags: 'a' });
  file.write(`---- ${new Date().toISOString()} start\n`);
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let recent = '';
  let seen = '';
  const onData = (chunk: Buffer) => {
    file.write(chunk);
    recent = (recent + chunk.toString()).slice(-6000);
    if (seen.length < 20_000) seen += chunk.toString();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.once('exit', (code, signal) => file.end(`---- ${new Date().toISOString()} exit ${code ?? signal}\n`));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready within ${timeoutMs / 1000} s:\n${recent}`)), timeoutMs);
    const check = () => {
      const m = seen.match(ready);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        child.off('exit', onExit);
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${recent}`));
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const waitExit = () => new Promise<void>((resolve) => (alive() ? child.once('exit', () => resolve()) : resolve()));
  return {
    name,
    child,
    url: match[1] ?? '',
    log,
    tail: () => recent,
    alive,
    kill9: async () => {
      const exited = waitExit();
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      const exited = waitExit();
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------- the machine

/** CPU seconds (user + system) of one process, from /proc (0 when it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine (all cores). */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
}

interface ProcInfo {
  ppid: number;
  cpu: number;
  label: string;
}

function processes(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // "node …/jest", "node …/tsc", "postgres: …": enough to say what else ran
      const script = argv.slice(1).find((a) => !a.startsWith('-'));
      const label = comm === 'node' && script ? `node ${script.split('/').slice(-2).join('/')}` : comm;
      out.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100, label });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * CPU use while the runs go: ours (this process, its children, the private PostgreSQL's process
 * tree and Redis) and everything else on the machine, sampled every second so that processes
 * killed on purpose still count up to their last sample.
 */
export class CpuMeter {
  private readonly ours = new Map<number, { cpu0: number; cpu: number }>();
  private readonly others = new Map<number, { cpu0: number; cpu: number; label: string }>();
  private timer?: NodeJS.Timeout;
  private machine0 = 0;
  private at0 = 0;

  constructor(private readonly roots: () => (number | undefined)[]) {}

  start(): void {
    this.machine0 = machineBusySeconds();
    this.at0 = Date.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 1000);
    this.timer.unref();
  }

  private sample(first: boolean): void {
    const all = processes();
    const children = new Map<number, number[]>();
    for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
    const mine = new Set<number>();
    const stack = [process.pid, ...this.roots().filter((p): p is number => p !== undefined)];
    while (stack.length) {
      const pid = stack.pop()!;
      if (mine.has(pid)) continue;
      mine.add(pid);
      stack.push(...(children.get(pid) ?? []));
    }
    for (const [pid, p] of all) {
      if (mine.has(pid)) {
        const known = this.ours.get(pid) ?? { cpu0: first ? p.cpu : (this.others.get(pid)?.cpu0 ?? 0), cpu: p.cpu };
        known.cpu = p.cpu;
        this.ours.set(pid, known);
        this.others.delete(pid);
      } else if (!this.ours.has(pid)) {
        const known = this.others.get(pid);
        if (known) known.cpu = p.cpu;
        else this.others.set(pid, { cpu0: first ? p.cpu : 0, cpu: p.cpu, label: p.label });
      }
    }
  }

  /** Cores used on average since start: ours, the others', and the others' top consumers. */
  read(): { seconds: number; oursCores: number; otherCores: number; machineCores: number; topOthers: { label: string; cores: number }[] } {
    this.sample(false);
    const seconds = (Date.now() - this.at0) / 1000;
    const machine = machineBusySeconds() - this.machine0;
    const ours = [...this.ours.values()].reduce((sum, o) => sum + o.cpu - o.cpu0, 0);
    const byLabel = new Map<string, number>();
    for (const o of this.others.values()) byLabel.set(o.label, (byLabel.get(o.label) ?? 0) + o.cpu - o.cpu0);
    const cores = (x: number) => Math.round((x / seconds) * 100) / 100;
    return {
      seconds,
      oursCores: cores(ours),
      otherCores: cores(Math.max(0, machine - ours)),
      machineCores: cores(machine),
      topOthers: [...byLabel]
        .filter(([, v]) => v / seconds >= 0.01)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([label, v]) => ({ label, cores: cores(v) })),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export { cpuSeconds };
