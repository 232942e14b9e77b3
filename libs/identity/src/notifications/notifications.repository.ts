import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

type Query = Pick<EntityManager, 'query'>;

const COLUMNS = `id, organization_id AS "organizationId", kind, title, body, data, created_at AS "createdAt", read_at AS "readAt"`;

const SQL = queries(__filename, {
  list: `
    SELECT ${COLUMNS} FROM notifications
     WHERE organization_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
  count: `SELECT count(*)::int AS total FROM notifications WHERE organization_id = $1 AND (NOT $2 OR read_at IS NULL)`,
  byIds: `SELECT ${COLUMNS} FROM notifications WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
  markRead: `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND organization_id = $2`,
  markAllRead: `UPDATE notifications SET read_at = now() WHERE organization_id = $1 AND read_at IS NULL`,
  insertMany: `
    INSERT INTO notifications (organization_id, kind, title, body, data, dedupe_key)
    SELECT n.organization_id, n.kind, n.title, n.body, n.data, n.dedupe_key
      FROM jsonb_to_recordset($1::jsonb) AS n(organization_id uuid, kind text, title text, body text, data jsonb, dedupe_key text)
        ON CONFLICT (organization_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
    RETURNING ${COLUMNS}`,
  recipients: `SELECT id, organization_id AS "organizationId" FROM users WHERE organization_id = ANY($1::uuid[]) AND active`,
});

export interface NotificationRow {
  id: string;
  organizationId: string;
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
  /** unique per organisation when set: a handler that runs again (at-least-once delivery, a retried job) stores nothing new */
  dedupeKey?: string;
}

/** The `notifications` table (identity's): an organisation's in-app inbox. */
export const NotificationsRepository = {
  /** One page of the inbox, newest first, and how many notices it holds. */
  list: async (db: Query, organizationId: string, unreadOnly: boolean, limit: number, offset: number): Promise<{ rows: NotificationRow[]; total: number }> => {
    const [{ total }] = (await db.query(SQL.count, [organizationId, unreadOnly])) as { total: number }[];
    return { rows: (await db.query(SQL.list, [organizationId, unreadOnly, limit, offset])) as NotificationRow[], total };
  },
  byIds: async (db: Query, ids: readonly string[]): Promise<NotificationRow[]> => (await db.query(SQL.byIds, [ids])) as NotificationRow[],
  /** Marks one of the organisation's notices read; false when it has none with this id. */
  markRead: async (db: Query, id: string, organizationId: string): Promise<boolean> => {
    const [, count] = (await db.query(SQL.markRead, [id, organizationId])) as [unknown, number];
    return count > 0;
  },
  /** Marks every unread notice of the organisation read; returns how many. */
  markAllRead: async (db: Query, organizationId: string): Promise<number> => {
    const [, count] = (await db.query(SQL.markAllRead, [organizationId])) as [unknown, number];
    return count;
  },
  /** Any number of notices in one statement; returns those stored (not the ones whose dedupe key exists). */
  insertMany: async (db: Query, notices: readonly NewNotification[]): Promise<NotificationRow[]> => {
    if (!notices.length) return [];
    const rows = notices.map((n) => ({
      organization_id: n.organizationId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      data: n.data,
      dedupe_key: n.dedupeKey ?? null,
    }));
    return (await db.query(SQL.insertMany, [JSON.stringify(rows)])) as NotificationRow[];
  },
  /** The active users of these organisations: who a notice is pushed to. */
  recipients: async (db: Query, organizationIds: readonly string[]): Promise<{ id: string; organizationId: string }[]> =>
    (await db.query(SQL.recipients, [organizationIds])) as { id: string; organizationId: string }[],
};
