import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/*
 * UUID version 7 (RFC 9562 §5.7): a 48-bit Unix-millisecond timestamp, then random bits, so ids
 * sort by creation time and B-tree inserts stay near the right-hand edge of the index.
 * The 12-bit rand_a field is a counter within one millisecond (RFC 9562 §6.2, method 1), seeded
 * randomly in its lower half, so that ids from one process also sort in creation order. When
 * more than 4096 are made in one millisecond, or the clock steps back, the timestamp is held just
 * past the last one issued. Each Clock gets its own sequence, so a test clock set in 2030 does not
 * push later system-clock ids into 2030.
 */
interface Sequence {
  lastMs: number;
  counter: number;
}

const systemSequence: Sequence = { lastMs: -1, counter: 0 };
const clockSequences = new WeakMap<Clock, Sequence>();

function sequenceFor(clock: Clock | undefined): Sequence {
  if (!clock) return systemSequence;
  let sequence = clockSequences.get(clock);
  if (!sequence) clockSequences.set(clock, (sequence = { lastMs: -1, counter: 0 }));
  return sequence;
}

export function newId(clock?: Clock): string {
  const sequence = sequenceFor(clock);
  const bytes = randomBytes(16);
  const randomSeed = ((bytes[6] << 8) | bytes[7]) & 0x7ff;
  let ms = clock ? clock.now().getTime() : Date.now();
  if (ms > sequence.lastMs) {
    sequence.counter = randomSeed;
  } else if (sequence.counter < 0xfff) {
    ms = sequence.lastMs;
    sequence.counter += 1;
  } else {
    ms = sequence.lastMs + 1;
    sequence.counter = randomSeed;
  }
  sequence.lastMs = ms;

  // 48-bit big-endian timestamp, written in two parts because bitwise operators are 32-bit.
  bytes.writeUInt16BE(Math.floor(ms / 2 ** 32) & 0xffff, 0);
  bytes.writeUInt32BE(ms >>> 0, 2);
  bytes[6] = 0x70 | (sequence.counter >> 8);
  bytes[7] = sequence.counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);

  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Any RFC 9562 uuid (versions 1–8, RFC variant), either case; not the nil or max uuid. */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}
