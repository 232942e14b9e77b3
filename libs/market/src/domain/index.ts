export * from './bid-acceptance';
export * from './bid-chain';
export * from './close-outcome';
export * from './increment';
export * from './pseudonym';
export * from './notice-period';
export * from './price-guidance';
