/* Runs the schema migrations: `migrate up` (default), `migrate down` (reverts the last one), `migrate status`. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@zjp/platform';
import { dataSourceOptions } from '../data-source-options';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'up';
  const config = loadConfigOrExit();
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, { logging: ['error', 'migration'] }));
  await dataSource.initialize();
  try {
    if (command === 'up') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      process.stdout.write(`migrations: ${applied.length} applied${applied.map((m) => `\n  + ${m.name}`).join('')}\n`);
    } else if (command === 'down') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('migrations: reverted the last one\n');
    } else if (command === 'status') {
      const pending = await dataSource.showMigrations();
      process.stdout.write(pending ? 'migrations: some are pending\n' : 'migrations: up to date\n');
      process.exitCode = pending ? 1 : 0;
    } else {
      process.stderr.write(`unknown command ${command}: use up | down | status\n`);
      process.exitCode = 64;
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrations failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
