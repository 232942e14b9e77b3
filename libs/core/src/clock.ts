/**
 * Time is the server's (ARCHITECTURE invariant 3). Domain rules take `now` as an argument;
 * services get it from an injected Clock so that tests can fix and move time.
 */
export interface Clock {
  now(): Date;
}

/** Injection token for Clock; the Nest layer binds it (SystemClock in production). */
export const CLOCK: unique symbol = Symbol.for('zjp.Clock');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

function toEpochMs(instant: Date | string | number): number {
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`FixedClock: not a valid instant: ${String(instant)}`);
  return ms;
}

/** A clock for tests: stands still until set or advanced. */
export class FixedClock implements Clock {
  private epochMs: number;

  constructor(instant: Date | string | number) {
    this.epochMs = toEpochMs(instant);
  }

  /** A fresh Date each call, so a caller mutating it cannot move the clock. */
  now(): Date {
    return new Date(this.epochMs);
  }

  set(instant: Date | string | number): void {
    this.epochMs = toEpochMs(instant);
  }

  /** Moves forward only; use set() to go back, so that a test going back in time says so. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`FixedClock.advance: ${ms} is not a non-negative duration`);
    }
    this.epochMs += ms;
  }
}

/**
 * Real time moved by an offset: what the processes use under NODE_ENV=test, so an end-to-end test
 * can put the running platform on another day (`travelTo`) while time still passes for timeouts.
 */
export class TravelClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on, now() is `instant` plus the time elapsed since this call. */
  travelTo(instant: Date | string | number): void {
    this.offsetMs = toEpochMs(instant) - Date.now();
  }

  /** Back to the real time. */
  reset(): void {
    this.offsetMs = 0;
  }
}
