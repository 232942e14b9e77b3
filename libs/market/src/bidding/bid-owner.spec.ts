import { randomUUID } from 'node:crypto';
import { ownerOf } from './bid-owner';

describe('ownerOf (which API process judges a lot: rendezvous hashing)', () => {
  const lots = Array.from({ length: 3000 }, () => randomUUID());
  const members = ['0a1b2c3d4e5f6071', '8f9e0d1c2b3a4958', 'c0ffee00deadbeef'];

  it('is the same on every process, whatever the order of the members list', () => {
    for (const lot of lots.slice(0, 200)) {
      expect(ownerOf(lot, members)).toBe(ownerOf(lot, [...members].reverse()));
      expect(ownerOf(lot, members)).toBe(ownerOf(lot.toUpperCase(), members)); // a socket bid may spell the id in capitals
    }
  });

  it('spreads lots evenly over the processes', () => {
    const counts = new Map<string, number>();
    for (const lot of lots) counts.set(ownerOf(lot, members)!, (counts.get(ownerOf(lot, members)!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...members].sort());
    for (const n of counts.values()) expect(Math.abs(n - lots.length / 3)).toBeLessThan(lots.length * 0.05);
  });

  it('when a process leaves, moves only its own lots; when one joins, takes lots only from the others, about 1/n', () => {
    const before = new Map(lots.map((l) => [l, ownerOf(l, members)!]));
    const gone = members[1];
    const after = members.filter((m) => m !== gone);
    for (const lot of lots) if (before.get(lot) !== gone) expect(ownerOf(lot, after)).toBe(before.get(lot));
    const joined = [...members, 'aaaa000011112222'];
    let moved = 0;
    for (const lot of lots) {
      const owner = ownerOf(lot, joined);
      if (owner !== before.get(lot)) {
        expect(owner).toBe('aaaa000011112222');
        moved++;
      }
    }
    expect(Math.abs(moved - lots.length / 4)).toBeLessThan(lots.length * 0.05);
  });

  it('has no owner without members, and the only member owns everything', () => {
    expect(ownerOf(lots[0], [])).toBeUndefined();
    expect(ownerOf(lots[0], ['only'])).toBe('only');
  });
});
