import { Injectable } from '@nestjs/common';
import type { EventType } from './event-type';

export type EventHandler<TPayload> = (payload: TPayload, meta: { eventId: string; occurredAt: string }) => Promise<void>;

interface Registered {
  id: string;
  handle: EventHandler<unknown>;
}

/**
 * Who reacts to which domain event. Contexts register their handlers when their module starts
 * (every process loads every context module, so the API and the worker know the same handlers).
 * A handler must be idempotent: an event is delivered at least once, and after a failure or a
 * crash all its handlers run again.
 */
@Injectable()
export class DomainEventHandlers {
  private readonly byName = new Map<string, Registered[]>();

  /** Registers `handle` for events of `type` under a stable id (`context.what-it-does`). Returns an unregister function. */
  on<TName extends string, TPayload>(type: EventType<TName, TPayload>, id: string, handle: EventHandler<TPayload>): () => void {
    const list = this.byName.get(type.name) ?? [];
    if (list.some((h) => h.id === id)) throw new Error(`event handler ${id} is registered twice for ${type.name}`);
    const entry: Registered = { id, handle: handle as EventHandler<unknown> };
    this.byName.set(type.name, [...list, entry]);
    return () =>
      this.byName.set(
        type.name,
        (this.byName.get(type.name) ?? []).filter((h) => h !== entry),
      );
  }

  /** Every registered handler as `EventName → handler id` (a process must know the same ones as every other). */
  registered(): string[] {
    return [...this.byName].flatMap(([name, list]) => list.map((h) => `${name} → ${h.id}`)).sort();
  }

  handlersOf(name: string): readonly Registered[] {
    return this.byName.get(name) ?? [];
  }
}
