// A generous default per test and hook. Integration and e2e tests work against real databases,
// queues and processes, and the property-based unit tests run thousands of cases: a test that
// finishes in a second on a quiet machine has been seen to take over 30 s on a machine with heavy
// CPU steal. The timeout only decides how long a hung test waits before it fails, never whether a
// test passes; no assertion depends on it.
jest.setTimeout(120_000);
