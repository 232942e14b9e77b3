import type { Clock } from './clock';
import { newId } from './ids';

/**
 * Something that happened in a context and that other contexts may react to (e.g.
 * `DealConcluded`), published after commit. The payload must survive JSON: use Money (its
 * toJSON gives fen as a string), ISO strings for instants, ids rather than entities.
 */
export interface DomainEvent<TName extends string = string, TPayload = unknown> {
  readonly id: string;
  readonly name: TName;
  /** ISO 8601 instant in UTC, from the injected Clock. */
  readonly occurredAt: string;
  readonly payload: TPayload;
}

export function createEvent<TName extends string, TPayload>(name: TName, payload: TPayload, clock: Clock): DomainEvent<TName, TPayload> {
  return Object.freeze({ id: newId(clock), name, occurredAt: clock.now().toISOString(), payload });
}
