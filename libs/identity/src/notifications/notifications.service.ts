import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@zjp/core';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationView } from './dto/notifications.dto';
import { NotificationsRepository, type NewNotification } from './notifications.repository';

/**
 * The organisations' in-app inboxes (rule changes, applications, decisions). Other contexts send
 * a notice with `notify`, in their own transaction, so that it exists exactly when the change does.
 */
@Injectable()
export class NotificationsService {
  constructor(private readonly db: DataSource) {}

  async list(actor: Principal, query: { unreadOnly?: boolean; limit: number; offset: number }): Promise<PageOf<NotificationView>> {
    const { rows, total } = await NotificationsRepository.list(this.db, actor.organizationId, query.unreadOnly ?? false, query.limit, query.offset);
    const items = rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString(), readAt: r.readAt ? new Date(r.readAt).toISOString() : null }));
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async read(actor: Principal, id: string): Promise<void> {
    if (!(await NotificationsRepository.markRead(this.db, id, actor.organizationId))) throw new NotFoundError('NOTIFICATION_NOT_FOUND', 'No such notification');
  }

  /** A notice to an organisation, written in the caller's transaction. */
  notify(m: EntityManager, notice: NewNotification): Promise<void> {
    return NotificationsRepository.insert(m, notice);
  }

  /** Several notices (e.g. one digest per holder of a scan) in one statement, in the caller's transaction. */
  notifyMany(m: EntityManager, notices: readonly NewNotification[]): Promise<void> {
    return NotificationsRepository.insertMany(m, notices);
  }
}
