export * from './events';
export * from './redis-io.adapter';
export * from './realtime-publisher';
export * from './realtime.module';
export * from './socket-listeners';
export * from './socket-docs';
export * from './live-feed-hub';
