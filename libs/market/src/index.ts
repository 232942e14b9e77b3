export * from './market.module';
export * from './listings/listings';
