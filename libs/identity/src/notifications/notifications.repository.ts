import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

type Query = Pick<EntityManager, 'query'>;

const SQL = queries(__filename, {
  list: `
    SELECT id, kind, title, body, data, created_at AS "createdAt", read_at AS "readAt" FROM notifications
     WHERE organization_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
  count: `SELECT count(*)::int AS total FROM notifications WHERE organization_id = $1 AND (NOT $2 OR read_at IS NULL)`,
  markRead: `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND organization_id = $2`,
  insert: `INSERT INTO notifications (organization_id, kind, title, body, data) VALUES ($1, $2, $3, $4, $5)`,
  insertMany: `
    INSERT INTO notifications (organization_id, kind, title, body, data)
    SELECT n.organization_id, n.kind, n.title, n.body, n.data
      FROM jsonb_to_recordset($1::jsonb) AS n(organization_id uuid, kind text, title text, body text, data jsonb)`,
});

export interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

export interface NewNotification {
  organizationId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** The `notifications` table (identity's): an organisation's in-app inbox. */
export const NotificationsRepository = {
  /** One page of the inbox, newest first, and how many notices it holds. */
  list: async (db: Query, organizationId: string, unreadOnly: boolean, limit: number, offset: number): Promise<{ rows: NotificationRow[]; total: number }> => {
    const [{ total }] = (await db.query(SQL.count, [organizationId, unreadOnly])) as { total: number }[];
    return { rows: (await db.query(SQL.list, [organizationId, unreadOnly, limit, offset])) as NotificationRow[], total };
  },
  /** Marks one of the organisation's notices read; false when it has none with this id. */
  markRead: async (db: Query, id: string, organizationId: string): Promise<boolean> => {
    const [, count] = (await db.query(SQL.markRead, [id, organizationId])) as [unknown, number];
    return count > 0;
  },
  insert: async (db: Query, n: NewNotification): Promise<void> => {
    await db.query(SQL.insert, [n.organizationId, n.kind, n.title, n.body, JSON.stringify(n.data)]);
  },
  /** Any number of notices in one statement (a scan's digests). */
  insertMany: async (db: Query, notices: readonly NewNotification[]): Promise<void> => {
    if (!notices.length) return;
    const rows = notices.map((n) => ({ organization_id: n.organizationId, kind: n.kind, title: n.title, body: n.body, data: n.data }));
    await db.query(SQL.insertMany, [JSON.stringify(rows)]);
  },
};
