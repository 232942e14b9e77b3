export * from './contract-status';
export * from './fee-schedule';
export * from './terms';
