/**
 * The socket.io contract. Client → server events are acknowledged with `Ack<T>`; errors use the
 * same `{ code, message, details? }` body as HTTP.
 */
import type { ErrorBody } from '@zjp/core';

export const CLIENT_EVENTS = {
  joinLot: 'lot.join',
  leaveLot: 'lot.leave',
  bid: 'lot.bid',
  clock: 'clock.sync',
  watcherCounts: 'lot.watchers.count',
} as const;

export const SERVER_EVENTS = {
  announcement: 'announcement',
  /** a notice stored in the organisation's inbox, to every signed-in user of it (payload: an item of GET /notifications) */
  notification: 'notification',
} as const;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export interface JoinLotPayload {
  lotId: string;
}

export interface AnnouncementEvent {
  id: string;
  message: string;
  lotId: string | null;
  at: string;
}

export const LOT_ROOM_PREFIX = 'lot:';
export const lotRoom = (lotId: string): string => `${LOT_ROOM_PREFIX}${lotId}`;

/** Every authenticated socket is in its user's room from the handshake on: notices reach all of that user's sockets. */
export const USER_ROOM_PREFIX = 'user:';
export const userRoom = (userId: string): string => `${USER_ROOM_PREFIX}${userId}`;
