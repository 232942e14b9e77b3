import { createEvent, type Clock, type DomainEvent } from '@zjp/core';

/**
 * A kind of domain event, declared once by the context that owns it (its name and the shape of
 * its payload), e.g. `DepositStatusChanged` in libs/payments. The payload goes through JSON:
 * ids, strings for fen amounts and dates, no class instances.
 */
export interface EventType<TName extends string, TPayload> {
  readonly name: TName;
  create(payload: TPayload, clock: Clock): DomainEvent<TName, TPayload>;
}

export function defineEvent<TPayload>() {
  return <TName extends string>(name: TName): EventType<TName, TPayload> => ({
    name,
    create: (payload, clock) => createEvent(name, payload, clock),
  });
}

export type PayloadOf<T> = T extends EventType<string, infer P> ? P : never;
