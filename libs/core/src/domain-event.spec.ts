import { FixedClock } from './clock';
import { createEvent } from './domain-event';
import { isUuid } from './ids';
import { Money } from './money';

describe('createEvent', () => {
  it('stamps name, payload, an id and the clock time', () => {
    const clock = new FixedClock('2026-01-01T16:30:00.000Z');
    const event = createEvent('DealConcluded', { lotId: 'lot-1', price: Money.yuan('1000.00') }, clock);
    expect(event.name).toBe('DealConcluded');
    expect(event.occurredAt).toBe('2026-01-01T16:30:00.000Z');
    expect(isUuid(event.id)).toBe(true);
    expect(event.payload.price.equals(Money.fen(100_000))).toBe(true);
  });

  it('gives each event its own id', () => {
    const clock = new FixedClock('2026-01-01T00:00:00Z');
    expect(createEvent('A', {}, clock).id).not.toBe(createEvent('A', {}, clock).id);
  });

  it('serialises to JSON with money as fen strings', () => {
    const event = createEvent('DepositPaid', { amount: Money.fen(5000n) }, new FixedClock('2026-01-01T00:00:00Z'));
    expect(JSON.parse(JSON.stringify(event))).toEqual({
      id: event.id,
      name: 'DepositPaid',
      occurredAt: '2026-01-01T00:00:00.000Z',
      payload: { amount: '5000' },
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(createEvent('A', {}, new FixedClock(0)))).toBe(true);
  });
});
