/**
 * Which API process judges a lot's bids: rendezvous (highest random weight) hashing of the lot over the
 * live processes. Every process computes the same owner from the same member list; when a process
 * leaves, only its own lots move (each to the member that scored second for it), and a new process
 * takes about 1/n of the lots from the others.
 */
export function ownerOf(lotId: string, members: readonly string[]): string | undefined {
  const lot = lotId.toLowerCase(); // socket bids may spell a lot's id in capitals
  let best: string | undefined;
  let bestScore = -1;
  for (const member of members) {
    const score = weight(lot, member);
    if (score > bestScore || (score === bestScore && best !== undefined && member < best)) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** FNV-1a (32 bits) of `lot|member`, then a final avalanche (murmur3's fmix32) so that similar ids spread. */
function weight(lot: string, member: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < lot.length; i++) h = Math.imul(h ^ lot.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x7c, 0x01000193); // '|'
  for (let i = 0; i < member.length; i++) h = Math.imul(h ^ member.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
