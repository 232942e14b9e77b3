export * from './exact-fen';
export * from './facts';
export * from './policy-terms';
export * from './stacking';
export * from './subsidy-calculation';
export * from './preview';
export * from './outlook';
