import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { components } from '../../../api/schema';

export type SessionLot = components['schemas']['SessionLotDto'];
export type SessionDetail = components['schemas']['SessionDto'];

/** "2026-12-06T14:30" typed in a datetime-local box, read as Beijing time whatever the browser's zone. */
export function beijingInputToIso(value: string): string {
  return new Date(`${value}:00+08:00`).toISOString();
}

/** An instant as a datetime-local value in Beijing time. */
export function isoToBeijingInput(at: number | string | Date): string {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * The lot that the hall and the console follow: the one on the block (open), else the last one
 * closed in calling order (its result stays on screen until the next opens), else none.
 */
export function currentLot(lots: SessionLot[]): SessionLot | null {
  const open = lots.find((l) => l.status === 'open');
  if (open) return open;
  const closed = lots.filter((l) => l.status === 'closed' || l.status === 'cancelled');
  return closed.length ? closed[closed.length - 1] : null;
}

/** A session and its lots in calling order, refreshed every `ms` (a lot opened, hammered or withdrawn moves the hall on). */
export function useLiveSession(sessionId: string | undefined, ms = 2_000) {
  return useQuery({
    queryKey: ['admin-session', sessionId],
    enabled: !!sessionId,
    queryFn: () => call(api.GET('/auction-sessions/{id}', { params: { path: { id: sessionId! } } })),
    refetchInterval: ms,
  });
}
