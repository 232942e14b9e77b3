import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * The schema is owned by hand-reviewed migrations: `synchronize` stays off everywhere and
 * `migrationsRun` is left to the explicit `db:migrate` step.
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    // pg returns bigint (int8) as strings: money stays exact and is turned into BigInt by transformers.
    parseInt8: false,
    extra: { max: 20, application_name: 'zjp' },
    ...extra,
  } as DataSourceOptions;
}
