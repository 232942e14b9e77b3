export * from './rate-limit.decorator';
export * from './rate-limit.guard';
export * from './rate-limit.module';
export * from './rate-limit.scopes';
export * from './redis-throttler.storage';
export * from './shared-window-counter';
export * from './socket-rate-limiter';
export * from './token-bucket';
