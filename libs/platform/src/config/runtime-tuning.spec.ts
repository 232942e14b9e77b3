import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a child Node process that calls tuneRuntime and then allocates objects that survive a few young-generation
 * collections; V8's own trace (--trace-gc-nvp) says how long each scavenge's helper threads worked.
 */
function helperWorkPerScavenge(setting: 'on' | 'off'): number[] {
  const script = `
    require(${JSON.stringify(join(__dirname, 'runtime-tuning.ts'))}).tuneRuntime({ GC_PARALLEL_SCAVENGE: ${JSON.stringify(setting)} });
    const keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 2e5) keep.splice(0, 1e5); }
  `;
  const out = execFileSync(process.execPath, ['--trace-gc-nvp', '-r', '@swc-node/register', '-e', script], {
    encoding: 'utf8',
    cwd: join(__dirname, '../../../..'),
  });
  const scavenges = out.split('\n').filter((line) => line.includes('gc=s'));
  // the last 20: the first ones may run while the module loader starts, before tuneRuntime
  return scavenges.slice(-20).map((line) => Number(/background\.scavenge\.parallel=([\d.]+)/.exec(line)![1]));
}

describe('tuneRuntime', () => {
  it('GC_PARALLEL_SCAVENGE=off: every scavenge runs on the process own thread, no helper works', () => {
    const helper = helperWorkPerScavenge('off');
    expect(helper).toHaveLength(20);
    expect(helper.filter((ms) => ms > 0)).toEqual([]);
  });

  it('GC_PARALLEL_SCAVENGE=on: helper threads take part (on a machine with more than one core)', () => {
    const helper = helperWorkPerScavenge('on');
    expect(helper).toHaveLength(20);
    // V8 starts no helper on one core; CI machines have two
    if (availableParallelism() > 1) expect(helper.filter((ms) => ms > 0).length).toBeGreaterThan(10);
  });
});
