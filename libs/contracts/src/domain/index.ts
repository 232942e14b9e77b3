export * from './contract-status';
export * from './fee-schedule';
export * from './terms';
export * from './drafts';
export * from './commission';
