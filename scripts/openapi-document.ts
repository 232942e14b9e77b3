/*
 * Writes the API's OpenAPI document (the one served at /api/docs/openapi.json) to the file given,
 * by building the API as production does against the database in DATABASE_URL (migrated first).
 * Used by scripts/web-api.sh to generate the web application's typed client.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '../libs/platform/src';
import { dataSourceOptions } from '../libs/database/src/data-source-options';
import { createApiApp } from '../apps/api/src/bootstrap';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi-document.ts OUTPUT.json');
  const config = loadConfigOrExit();
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, { logging: ['error'] }));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const answer = await fetch(`${url}/api/docs/openapi.json`);
  if (!answer.ok) throw new Error(`the API answered ${answer.status} for its OpenAPI document`);
  writeFileSync(out, `${JSON.stringify(await answer.json(), null, 2)}\n`);
  await app.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`openapi document failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
