export * from './idle-rule';
export * from './patent-number';
export * from './registration-deadline';
