export * from './database.module';
export * from './data-source-options';
export * from './transaction-runner';
export * from './bigint.transformer';
export * from './audit-log';
export { MIGRATIONS } from './migrations';
export * from './pg-errors';
