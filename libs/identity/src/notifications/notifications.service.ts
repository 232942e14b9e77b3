import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { CLOCK, type Clock, NotFoundError } from '@zjp/core';
import { DomainEventHandlers, Outbox } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { RealtimePublisher, SERVER_EVENTS } from '@zjp/realtime';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationView } from './dto/notifications.dto';
import { NotificationsStored } from './notifications.events';
import { NotificationsRepository, type NewNotification, type NotificationRow } from './notifications.repository';

export function notificationView(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    data: r.data,
    createdAt: new Date(r.createdAt).toISOString(),
    readAt: r.readAt ? new Date(r.readAt).toISOString() : null,
  };
}

/**
 * The organisations' in-app inboxes (rule changes, applications, decisions, the auction and
 * money notices of enterprises). A notice is addressed to an organisation, stored, and pushed live
 * as the socket event `notification` (the same shape as an item of GET /notifications) to every
 * active user of that organisation (their `user:<id>` rooms), from the API or the worker.
 *
 * Other contexts send a notice with `notify`, in their own transaction, so that it exists exactly
 * when the change does (it is pushed after the commit, through the outbox); or with `send`, outside
 * a transaction, from a handler or a job. A notice with a `dedupeKey` is stored once per
 * organisation: handlers that run again store and push nothing new.
 */
@Injectable()
export class NotificationsService implements OnModuleInit {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly events: DomainEventHandlers,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly realtime?: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.events.on(NotificationsStored, 'identity.push-notifications', async ({ ids }) => this.push(await NotificationsRepository.byIds(this.db, ids)));
  }

  /** One page, newest first. */
  async list(actor: Principal, query: { unreadOnly?: boolean; limit: number; offset: number }): Promise<PageOf<NotificationView>> {
    const { rows, total } = await NotificationsRepository.list(this.db, actor.organizationId, query.unreadOnly ?? false, query.limit, query.offset);
    return { items: rows.map(notificationView), total, limit: query.limit, offset: query.offset };
  }

  async read(actor: Principal, id: string): Promise<void> {
    if (!(await NotificationsRepository.markRead(this.db, id, actor.organizationId))) throw new NotFoundError('NOTIFICATION_NOT_FOUND', 'No such notification');
  }

  /** Marks every unread notice of the caller's organisation read; returns how many. */
  readAll(actor: Principal): Promise<number> {
    return NotificationsRepository.markAllRead(this.db, actor.organizationId);
  }

  /** A notice to an organisation, written in the caller's transaction (pushed after its commit). */
  async notify(m: EntityManager, notice: NewNotification): Promise<void> {
    await this.notifyMany(m, [notice]);
  }

  /** Several notices (e.g. one digest per holder of a scan) in one statement, in the caller's transaction (pushed after its commit). */
  async notifyMany(m: EntityManager, notices: readonly NewNotification[]): Promise<void> {
    const stored = await NotificationsRepository.insertMany(m, notices);
    if (stored.length) await this.outbox.append(m, NotificationsStored.create({ ids: stored.map((r) => r.id) }, this.clock));
  }

  /** Notices outside any transaction (a handler of a delivered event, a job): stored, then pushed at once. Returns those stored. */
  async send(notices: readonly NewNotification[]): Promise<NotificationView[]> {
    const stored = await NotificationsRepository.insertMany(this.db, notices);
    await this.push(stored).catch((err: unknown) => this.logger.warn(`notifications stored but not pushed: ${String(err)}`));
    return stored.map(notificationView);
  }

  /** Emits each notice to the sockets of its organisation's users. */
  private async push(rows: readonly NotificationRow[]): Promise<void> {
    if (!rows.length || !this.realtime) return;
    const usersOf = new Map<string, string[]>();
    for (const u of await NotificationsRepository.recipients(this.db, [...new Set(rows.map((r) => r.organizationId))])) {
      const ids = usersOf.get(u.organizationId);
      if (ids) ids.push(u.id);
      else usersOf.set(u.organizationId, [u.id]);
    }
    for (const row of rows) this.realtime.toUsers(usersOf.get(row.organizationId) ?? [], SERVER_EVENTS.notification, notificationView(row));
  }
}
