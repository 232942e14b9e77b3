import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownerOf, PUBLISHED_READ_MODELS, TABLE_OWNERS } from './table-owners';
import KNOWN_CROSSINGS from './known-crossings.json';
import SQL_OUTSIDE_REPOSITORY_LIST from './sql-outside-repositories.json';

const SQL_OUTSIDE_REPOSITORIES: readonly string[] = SQL_OUTSIDE_REPOSITORY_LIST;

const ROOT = join(__dirname, '../../../..');
const TABLES = Object.values(TABLE_OWNERS).flat();
/** A table named in SQL: after FROM, JOIN, INTO, UPDATE or TABLE, inside a template string. */
const NAMED = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(${TABLES.join('|')})\\b`, 'gi');
const RELATIONS = [...TABLES, ...Object.values(PUBLISHED_READ_MODELS).flat()];
/** A table or published view named in SQL. */
const NAMED_RELATION = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(${RELATIONS.join('|')})\\b`, 'gi');

function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'libs', 'apps'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.includes('/migrations/') && !f.startsWith('apps/api/src/cli/'));
}

/**
 * Every file other than a repository (`*.repository.ts`) that names a table or published view in
 * SQL. The database library's own infrastructure (outbox, audit log, migrations) is exempt.
 */
function sqlOutsideRepositories(): string[] {
  return sourceFiles().filter((file) => {
    if (file.endsWith('.repository.ts') || file.startsWith('libs/database/')) return false;
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      return false;
    }
    return (text.match(/`[^`]*`/g) ?? []).some((sql) => new RegExp(NAMED_RELATION.source, 'i').test(sql));
  });
}

/** Every (file, table) where code outside the owning context names the table in SQL. */
function crossings(): Record<string, string[]> {
  const files = execFileSync('git', ['ls-files', 'libs', 'apps'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.includes('/migrations/') && !f.startsWith('apps/api/src/cli/'));
  const found: Record<string, string[]> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    const context = /^libs\/([a-z-]+)\//.exec(file)?.[1] ?? 'apps';
    const named = new Set<string>();
    for (const sql of text.match(/`[^`]*`/g) ?? []) {
      for (const m of sql.matchAll(NAMED)) {
        const table = m[1].toLowerCase();
        if (ownerOf(table) !== context) named.add(table);
      }
    }
    if (named.size) found[file] = [...named].sort();
  }
  return found;
}

describe('tables named only in repositories', () => {
  const found = sqlOutsideRepositories();

  it("lets no new service, controller or helper run SQL: declare it in the aggregate's *.repository.ts", () => {
    expect(found.filter((f) => !SQL_OUTSIDE_REPOSITORIES.includes(f))).toEqual([]);
  });

  it('shrinks the list of files still holding SQL as they move to repositories (the list is debt)', () => {
    expect(SQL_OUTSIDE_REPOSITORIES.filter((f) => !found.includes(f))).toEqual([]);
  });
});

describe('one owner per table', () => {
  const found = crossings();

  it('finds SQL at all (the scan is not blind): the repositories name the tables', () => {
    const named = sourceFiles().filter((f) => f.endsWith('.repository.ts') && new RegExp(NAMED.source, 'i').test(readFileSync(join(ROOT, f), 'utf8')));
    expect(named.length).toBeGreaterThan(30);
    expect(TABLES.length).toBeGreaterThan(40);
  });

  it("lets no new file name another context's table: go through the owner's service, read model or events", () => {
    const known = KNOWN_CROSSINGS as Record<string, string[]>;
    const unexpected = Object.entries(found).flatMap(([file, tables]) =>
      tables.filter((t) => !(known[file] ?? []).includes(t)).map((t) => `${file} names ${t} (owned by ${ownerOf(t)})`),
    );
    expect(unexpected).toEqual([]);
  });

  it('shrinks the list of known crossings as they are removed (the list is debt, not permission)', () => {
    const stale = Object.entries(KNOWN_CROSSINGS as Record<string, string[]>).flatMap(([file, tables]) =>
      tables.filter((t) => !(found[file] ?? []).includes(t)).map((t) => `${file}: ${t}`),
    );
    expect(stale).toEqual([]);
  });

  it('creates every published read model in a migration, as a view', () => {
    const migrations = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'libs/database/src/migrations'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    const views = migrations.flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/CREATE VIEW ([a-z_]+)/g)].map((m) => m[1]));
    expect(views.sort()).toEqual(Object.values(PUBLISHED_READ_MODELS).flat().sort());
  });

  it('gives every table created by a migration an owner', () => {
    const migrations = execFileSync('git', ['ls-files', 'libs/database/src/migrations'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const created = migrations.flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]));
    expect(created.filter((t) => !ownerOf(t))).toEqual([]);
  });
});
