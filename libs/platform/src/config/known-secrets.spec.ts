import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownSecret, KNOWN_SECRETS } from './known-secrets';

const ROOT = join(__dirname, '../../../..');

/** Literal secrets as this repository writes them: settings, Stripe keys, URL passwords, password constants. */
const PATTERNS = [
  /(?:JWT_SECRET|METRICS_TOKEN|POSTGRES_PASSWORD|_PASSWORD)\s*[:=]\s*['"]?([^'"\s,}]+)/g,
  /(?:JWT_SECRET|METRICS_TOKEN|POSTGRES_PASSWORD):-([^}]+)\}/g,
  /\b((?:sk|rk)_(?:test|live)_\w+)/g,
  /\b(whsec_\w+)/g,
  /(?:postgres(?:ql)?|rediss?):\/\/[^:/@\s]*:([^@\s]+)@/g,
  /password:\s*'([^']{6,})'/gi,
];

function literalSecrets(): Map<string, string> {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !/\.(png|pdf|ttf|otf|woff2?)$|package-lock\.json$/.test(f));
  const found = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    for (const pattern of PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const value = match[1];
        // references and code, not literals: ${VAR}, $VAR, ${VAR:?message}, template strings, calls, schema text, placeholders
        if (value.length < 3 || /^[$`?]|[()`…]|^\w+\.|^[A-Z_]+$/.test(value)) continue;
        // an unquoted identifier in code is a variable (`METRICS_TOKEN: token`), not a literal
        const quoted = /['"]/.test(text[(match.index ?? 0) + match[0].length - value.length - 1] ?? '');
        if (!quoted && /\.[jt]s$/.test(file) && /^[a-z][A-Za-z0-9]*$/.test(value)) continue;
        found.set(value, file);
      }
    }
  }
  return found;
}

describe('secrets published in the repository', () => {
  it('lists every literal secret of the tracked files in KNOWN_SECRETS, so production refuses it', () => {
    const found = literalSecrets();
    expect(found.size).toBeGreaterThan(10); // the scan sees the repository's secrets at all
    const unlisted = [...found].filter(([value]) => !isKnownSecret(value)).map(([value, file]) => `${value} (${file})`);
    expect(unlisted).toEqual([]);
  });

  it('treats a published secret with something appended as published', () => {
    expect(isKnownSecret('sk_test_faults9f8e7d')).toBe(true);
    expect(isKnownSecret('a-secret-of-our-own-0123456789abcdef')).toBe(false);
    expect(KNOWN_SECRETS.has('Demo-2026!')).toBe(true);
  });
});
