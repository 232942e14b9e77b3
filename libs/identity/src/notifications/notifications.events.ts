import { defineEvent } from '@zjp/database';

/** Notices were stored (in some context's transaction): after the commit they are pushed to their organisations' sockets. */
export interface NotificationsStoredPayload {
  ids: string[];
}
export const NotificationsStored = defineEvent<NotificationsStoredPayload>()('NotificationsStored');
