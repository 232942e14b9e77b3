import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '@zjp/core';
import { DomainEventHandlers } from '@zjp/database';
import { DepositStatusChanged, type DepositStatusChangedPayload } from '@zjp/payments';
import { beijingTime, NotificationsService, yuanText, type NewNotification } from '@zjp/identity';
import { RedisConnectionFactory } from '@zjp/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { REGISTRATION_REFERENCE } from '../lots/payments-deposit.gateway';
import {
  lotForNotices,
  lotsForNotices,
  registeredOrganizations,
  registeredOrganizationsOfLots,
  registrationById,
  type LotForNotices,
} from '../lots/lots.repository';

/** At most one `outbid` notice per organisation per lot in this window. */
export const OUTBID_THROTTLE_MS = 5000;

/**
 * The enterprises' notices about lots: `outbid` (from the worker's job, off the bid path),
 * `lot_starting_soon` (a delayed job), `lot_won` / `lot_lost` (in the closing transaction),
 * `deposit_released` / `deposit_applied` (the registration deposit's DepositStatusChanged event).
 * Stored in identity's inbox through NotificationsService, which pushes them to the sockets.
 */
@Injectable()
export class LotNoticesService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly notifications: NotificationsService,
    private readonly redis: RedisConnectionFactory,
    private readonly events: DomainEventHandlers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.events.on(DepositStatusChanged, 'market.deposit-notices', (change) => this.depositMoved(change));
  }

  /** A registration's deposit was released, or applied to the price: its enterprise hears it once (the deposit's key). */
  async depositMoved(change: DepositStatusChangedPayload): Promise<void> {
    if (change.referenceType !== REGISTRATION_REFERENCE || (change.status !== 'released' && change.status !== 'captured')) return;
    const registration = (await registrationById(this.db, change.referenceId)) as { lotId: string } | undefined;
    const lot = registration ? await lotForNotices(this.db, registration.lotId) : undefined;
    const about = lot ? `拍品「${lot.title}」的` : '';
    const released = change.status === 'released';
    await this.notifications.send([
      {
        organizationId: change.organizationId,
        kind: released ? 'deposit_released' : 'deposit_applied',
        title: released ? '保证金已退还' : '保证金已转作价款',
        body: released
          ? `${about}保证金 ${yuanText(change.amountFen)} 元已解除冻结，退还至原支付账户。`
          : `${about}保证金 ${yuanText(change.capturedFen)} 元已转作成交价款。`,
        data: { lotId: registration?.lotId ?? null, depositId: change.depositId, amountFen: released ? change.amountFen : change.capturedFen },
        dedupeKey: `${released ? 'deposit_released' : 'deposit_applied'}:${change.depositId}`,
      },
    ]);
  }

  /**
   * Organisations that lost the lead of a lot: each gets `outbid`, unless it leads again by now, or
   * it got one for this lot less than OUTBID_THROTTLE_MS ago (a Redis key per lot and
   * organisation, shared by every worker). Returns the organisations notified.
   */
  async outbid(lotId: string, organizationIds: readonly string[]): Promise<string[]> {
    return (await this.outbidMany([{ lotId, organizationIds }])).map((n) => n.organizationId);
  }

  /**
   * `outbid` for the lots of one job at once (LotEventsPublisher gathers a second's worth): one lookup of the lots, one
   * Redis pipeline for the throttle keys, one insert and one push. A lot closed or cancelled since gets none. Returns
   * the notices sent, by lot and organisation.
   */
  async outbidMany(lots: readonly { lotId: string; organizationIds: readonly string[] }[]): Promise<{ lotId: string; organizationId: string }[]> {
    const wanted = new Map<string, Set<string>>();
    for (const { lotId, organizationIds } of lots) {
      let orgs = wanted.get(lotId);
      if (!orgs) wanted.set(lotId, (orgs = new Set()));
      for (const id of organizationIds) orgs.add(id);
    }
    if (!wanted.size) return [];
    const candidates: { lot: LotForNotices; organizationId: string }[] = [];
    for (const lot of await lotsForNotices(this.db, [...wanted.keys()])) {
      if (lot.status === 'closed' || lot.status === 'cancelled') continue;
      for (const organizationId of wanted.get(lot.id)!) if (organizationId !== lot.leader_organization_id) candidates.push({ lot, organizationId });
    }
    if (!candidates.length) return [];
    const throttle = this.redis.client().pipeline();
    for (const { lot, organizationId } of candidates)
      throttle.set(`${this.redis.prefix}outbid:${lot.id}:${organizationId}`, '1', 'PX', OUTBID_THROTTLE_MS, 'NX');
    const answers = (await throttle.exec()) ?? [];
    const notices: NewNotification[] = [];
    const sent: { lotId: string; organizationId: string }[] = [];
    candidates.forEach(({ lot, organizationId }, i) => {
      const [err, fresh] = answers[i] ?? [new Error('no answer from Redis')];
      if (err) throw err; // the job is retried; the keys already set keep those notices from going twice
      if (fresh !== 'OK') return;
      sent.push({ lotId: lot.id, organizationId });
      notices.push({
        organizationId,
        kind: 'outbid',
        title: '您的出价已被超越',
        body: `拍品「${lot.title}」当前价 ${yuanText(lot.current_fen ?? '0')} 元，您已不再领先，可继续出价。`,
        data: { lotId: lot.id, currentFen: lot.current_fen },
      });
    });
    await this.notifications.send(notices);
    return sent;
  }

  /** About 30 minutes before the start: `lot_starting_soon` to each registered enterprise, once (its key). */
  async startingSoon(lotId: string, startsAt: string): Promise<number> {
    const lot = await lotForNotices(this.db, lotId);
    if (!lot || lot.status !== 'scheduled' || lot.starts_at.getTime() !== new Date(startsAt).getTime()) return 0;
    if (lot.starts_at <= this.clock.now()) return 0;
    const orgs = await registeredOrganizations(this.db, lotId);
    const sent = await this.notifications.send(
      orgs.map((organizationId) => ({
        organizationId,
        kind: 'lot_starting_soon',
        title: '拍品即将开拍',
        body: `您已报名的拍品「${lot.title}」将于 ${beijingTime(lot.starts_at)}（北京时间）开拍。`,
        data: { lotId, startsAt: lot.starts_at.toISOString() },
        dedupeKey: `lot_starting_soon:${lotId}:${lot.starts_at.getTime()}`,
      })),
    );
    return sent.length;
  }

  /** In the closing transaction, after the lots' rows are closed: `lot_won` to each winner, `lot_lost` to the other registered enterprises. */
  async closed(m: EntityManager, lotIds: readonly string[]): Promise<void> {
    if (!lotIds.length) return;
    const [lots, registered] = [await lotsForNotices(m, lotIds), await registeredOrganizationsOfLots(m, lotIds)];
    await this.notifications.notifyMany(
      m,
      lots.flatMap((lot) =>
        (registered.get(lot.id) ?? []).map((organizationId): NewNotification => {
          const hammer = lot.hammer_price_fen;
          if (hammer && organizationId === lot.winner_organization_id) {
            return {
              organizationId,
              kind: 'lot_won',
              title: '恭喜您竞得拍品',
              body: `您以 ${yuanText(hammer)} 元竞得「${lot.title}」，请留意技术合同的签署。`,
              data: { lotId: lot.id, hammerPriceFen: hammer },
              dedupeKey: `lot_won:${lot.id}`,
            };
          }
          return {
            organizationId,
            kind: 'lot_lost',
            title: '拍品已结束',
            body: hammer ? `「${lot.title}」已由其他竞买人以 ${yuanText(hammer)} 元竞得；您的保证金将予退还。` : `「${lot.title}」已流拍；您的保证金将予退还。`,
            data: { lotId: lot.id, result: hammer ? 'sold' : 'unsold', hammerPriceFen: hammer },
            dedupeKey: `lot_lost:${lot.id}`,
          };
        }),
      ),
    );
  }
}
