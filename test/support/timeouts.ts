// Integration and e2e tests work against real databases, queues and processes: a default of 30 s
// per test and hook, so that a busy machine does not fail them by the clock. A test that needs
// more says so itself; no assertion depends on this.
jest.setTimeout(30_000);
