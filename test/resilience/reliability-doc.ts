import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** docs/RELIABILITY.md holds the last recorded figures of each resilience run, one section per run kind. */
const ROOT = join(__dirname, '..', '..');
const FILE = join(ROOT, 'docs', 'RELIABILITY.md');

/** The commit a run measured ("unknown" outside git), marked when the tree had uncommitted changes (the doc itself excepted). */
export function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/RELIABILITY.md'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim()
      ? ' + uncommitted changes'
      : '';
    return head + dirty;
  } catch {
    return 'unknown';
  }
}

/** Replaces the section `heading` ("## …", its first line) of docs/RELIABILITY.md with `text`, or appends it; returns the file's path. */
export function writeReliabilitySection(heading: string, text: string): string {
  const current = existsSync(FILE)
    ? readFileSync(FILE, 'utf8')
    : '# Reliability\n\nWhat `npm run test:resilience` proves, with the figures of its last recorded runs.\n';
  const start = current.indexOf(`${heading}\n`);
  let next;
  if (start < 0) next = `${current.trimEnd()}\n\n${text}`;
  else {
    const after = current.indexOf('\n## ', start + heading.length);
    next = `${current.slice(0, start)}${text}${after < 0 ? '' : `\n${current.slice(after + 1)}`}`;
  }
  writeFileSync(FILE, `${next.trimEnd()}\n`);
  return FILE;
}
