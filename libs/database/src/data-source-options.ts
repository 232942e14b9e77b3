import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** PostgreSQL's start-up `options` of every connection (a space inside a value is escaped with a backslash). */
export const SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

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
    // Every connection starts with READ COMMITTED as its default isolation, whatever the server's
    // default_transaction_isolation says: TransactionRunner then opens a READ COMMITTED transaction with a
    // plain START TRANSACTION, without TypeORM's second round trip (SET TRANSACTION ISOLATION LEVEL …).
    ...extra,
    extra: { max: 20, application_name: 'zjp', ...(extra.extra as object | undefined), options: SESSION_OPTIONS },
  } as DataSourceOptions;
}
