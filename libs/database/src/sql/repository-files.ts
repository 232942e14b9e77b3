import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const REPOSITORY_ROOT = join(__dirname, '../../../..');

/** Every repository module of the tree (tracked or new), relative to the root. */
export function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'libs'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  return [...new Set(listed.split('\n').filter((f) => f.endsWith('.repository.ts')))].sort();
}

export function sqlFileOf(repository: string): string {
  return repository.replace(/\.ts$/, '.sql');
}
