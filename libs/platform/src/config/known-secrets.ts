/**
 * Every secret written in this repository: development defaults, the demo's, the tests', the
 * benchmarks'. They are public, so a production process refuses to start with any of them
 * (parseConfig). `known-secrets.spec.ts` scans the tracked files and fails when a new literal
 * secret appears that is not listed here.
 */
export const KNOWN_SECRETS: ReadonlySet<string> = new Set([
  // development and demo defaults
  'dev-only-secret-change-me-in-production!!',
  'zjp-demo-secret-not-for-production',
  'compose-demo-secret-set-your-own-32-chars',
  'sk_test_local_development',
  'whsec_local_development',
  'Demo-2026!',
  'zjp',
  'postgres',
  // tests, benchmarks and fault runs
  'zjp-test-jwt-secret-at-least-32-characters',
  'test-secret-that-is-long-enough-0123456789',
  'sk_test_e2e',
  'whsec_e2e_secret',
  'sk_test_e2e_contracts',
  'whsec_e2e_contracts',
  'whsec_e2e_demo',
  'sk_test_contract_payments',
  'whsec_contract_payments',
  'sk_test_payments_integration',
  'whsec_payments_integration',
  'whsec_not_ours',
  'sk_test_server_test',
  'whsec_stripe_server_test',
  'sk_test_faults',
  'whsec_faults',
  'Bench-password-2026',
  'Faults-password-2026',
  'Password-1234',
  'not-the-password1',
  'Bidder-password-1',
  'metrics-test-token-0123456789abcdef',
]);

/** True when the value is, or merely extends, a secret published in this repository. */
export function isKnownSecret(value: string): boolean {
  if (KNOWN_SECRETS.has(value)) return true;
  for (const known of KNOWN_SECRETS) if (known.length >= 8 && value.startsWith(known)) return true;
  return false;
}
