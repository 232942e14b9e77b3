import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Clock, CLOCK, ConflictError, ForbiddenError, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { isUniqueViolation, Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import { type PageOf, QUEUES, type Principal } from '@zjp/platform';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { LotEventsPublisher } from '../bidding/lot-events.publisher';
import { CalendarService } from '../calendar/calendar.service';
import { insertFixedPriceDeal, insertNegotiatedDeal, lockDealWithWinnerDeposit, markDefaulted, winnerRegistrationOfDeal } from '../deals/deals.repository';
import { bidderPseudonym, defaultIncrement } from '../domain';
import { DealConcluded } from '../events';
import { AUCTION_JOBS } from '../jobs';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';
import { insertLot, markDepositApplied, registerIntentsForLot } from '../lots/lots.repository';
import { appraisalColumns, appraisalProblems } from './dto/appraisal.dto';
import type { AgreementDto, CreateListingDto, DeclareIntentDto, ListingBidderPageDto, ListingConclusion } from './dto/listing-flow.dto';
import {
  achievementForListing,
  biddersOfLot,
  closeConcludedListing,
  concludeWithoutIntent,
  countIntents,
  hasIntent,
  insertIntent,
  insertListing,
  intentOrganizations,
  type IntentRow,
  intentsOfListing,
  listingHolder,
  listingsDueForConclusion,
  listingWithTitle,
  lockListingForFlow,
  lotOfListing,
  turnIntoAuction,
} from './listing-flows.repository';

/** A forced (P-2Y) listing is fixed-price with the usual notice, counted from when it opened. */
export const FORCED_NOTICE_DAYS = 10;

/** After a fixed-price listing turns into an auction, the auction among the interested runs a day. */
const INTENT_AUCTION_HOURS = 24;

/**
 * 挂牌: a fixed-price listing is public for a notice period; one enterprise declaring intent buys
 * at the listed price, two or more bid for it in an auction among themselves (starting at the
 * listed price). 协议定价: the holder records the price agreed with one interested enterprise.
 * Every outcome is a deal the contracts context picks up.
 */
@Injectable()
export class ListingFlowsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly lotEvents: LotEventsPublisher,
    @InjectQueue(QUEUES.auctions) private readonly queue: Queue,
    @Inject(DEPOSIT_GATEWAY) private readonly deposits: DepositGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly calendar: CalendarService,
  ) {}

  private readonly logger = new Logger(ListingFlowsService.name);

  async create(
    actor: Principal,
    dto: CreateListingDto,
  ): Promise<{ id: string; noticeEndsAt: string | null; noticeProvisional: boolean; provisionalYears: number[] }> {
    const problems = [];
    if (dto.mode === 'fixed_price' && !dto.priceFen) problems.push({ field: 'priceFen', code: 'required', message: 'a fixed-price listing needs a price' });
    if ((dto.dealType === 'license') !== (dto.licenseType !== undefined))
      problems.push({ field: 'licenseType', code: 'licenseTypeMismatch', message: 'licenseType is required for a licence and only for a licence' });
    problems.push(...appraisalProblems(dto.appraisal, todayInShanghai(this.clock)));
    if (problems.length) throw new ValidationError(problems);
    const now = this.clock.now();
    // Counted by the official working-day calendar; provisional where it reaches a year not loaded yet.
    const notice = dto.mode === 'fixed_price' ? await this.calendar.noticePeriod(this.db, now, dto.noticeDays ?? 10) : null;
    const ends = notice?.endsAt ?? null;
    const provisionalYears = notice?.provisionalYears ?? [];
    const id = await this.tx.run(async (m) => {
      const rows = await achievementForListing(m, dto.achievementId);
      if (!rows[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (!actor.roles.includes('platform_admin') && !(actor.organizationId === rows[0].holder_id && actor.roles.includes('holder_admin'))) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder or the operator can list this achievement');
      }
      if (rows[0].registration_status !== 'registered') throw new ConflictError('ACHIEVEMENT_NOT_REGISTERED', 'Only a registered achievement can be listed');
      const listingId = newId(this.clock);
      await insertListing(m, {
        id: listingId,
        achievementId: dto.achievementId,
        holderId: rows[0].holder_id,
        mode: dto.mode,
        priceFen: dto.priceFen ?? null,
        dealType: dto.dealType,
        licenseType: dto.licenseType ?? null,
        noticeDays: dto.mode === 'fixed_price' ? (dto.noticeDays ?? 10) : null,
        noticeEndsAt: ends,
        noticeProvisional: provisionalYears.length > 0,
        createdAt: now,
        appraisal: appraisalColumns(dto.appraisal),
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'listing.created',
        subjectType: 'listing',
        subjectId: listingId,
        data: { mode: dto.mode, appraised: dto.appraisal !== undefined },
        occurredAt: now,
      });
      return listingId;
    });
    if (ends) await this.scheduleConclusion(id, ends);
    return { id, noticeEndsAt: ends?.toISOString() ?? null, noticeProvisional: provisionalYears.length > 0, provisionalYears };
  }

  /** A forced (P-2Y) listing is fixed-price too: its notice starts when it opens. */
  async scheduleConclusion(listingId: string, at: Date): Promise<void> {
    await this.queue.add(
      AUCTION_JOBS.concludeListing,
      { listingId },
      {
        jobId: `conclude-${listingId}-${at.getTime()}`,
        delay: Math.max(0, at.getTime() - Date.now()),
        attempts: 10,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }

  async declareIntent(actor: Principal, listingId: string, dto: DeclareIntentDto): Promise<{ id: string; listingId: string; intents: number }> {
    if (actor.organizationType !== 'enterprise') throw new ForbiddenError('NOT_AN_ENTERPRISE', 'Only enterprises declare an intent to buy');
    return this.tx.run(async (m) => {
      const l = await this.lock(m, listingId);
      if (l.status !== 'active') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      if (l.mode === 'auction') throw new ConflictError('LISTING_IS_AUCTION', 'Register and bid on the lot instead');
      if (l.mode === 'fixed_price' && l.price_fen === null) throw new ConflictError('PRICE_NOT_SET', 'The holder has not set the price yet');
      if (l.notice_ends_at && this.clock.now() >= l.notice_ends_at) throw new ConflictError('NOTICE_PERIOD_OVER', 'The notice period is over');
      const id = newId(this.clock);
      await insertIntent(m, {
        id,
        listingId,
        organizationId: actor.organizationId,
        statement: dto.statement ?? '',
        declaredBy: actor.userId,
        declaredAt: this.clock.now(),
      }).catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('INTENT_ALREADY_DECLARED', 'Your organisation already declared its intent');
        throw err;
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'listing.intent_declared',
        subjectType: 'listing',
        subjectId: listingId,
        occurredAt: this.clock.now(),
      });
      const count = await countIntents(m, listingId);
      return { id, listingId, intents: count };
    });
  }

  async intents(actor: Principal, listingId: string, page: { limit: number; offset: number }): Promise<PageOf<IntentRow>> {
    const holderId = await listingHolder(this.db, listingId);
    if (!holderId) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    if (!actor.roles.includes('platform_admin') && actor.organizationId !== holderId)
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder sees who declared intent');
    return { ...(await intentsOfListing(this.db, listingId, page)), ...page };
  }

  /** The bidders registered for the listing's lot, for its holder: paddle numbers and pseudonyms, never the enterprises. */
  async bidders(actor: Principal, listingId: string, page: { limit: number; offset: number }): Promise<ListingBidderPageDto> {
    const holderId = await listingHolder(this.db, listingId);
    if (!holderId) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    if (!actor.roles.includes('platform_admin') && actor.organizationId !== holderId)
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder sees who registered');
    const lotId = await lotOfListing(this.db, listingId);
    if (!lotId) return { lotId: null, items: [], total: 0, ...page };
    const { items, total } = await biddersOfLot(this.db, lotId, page);
    return { lotId, items: items.map((b) => ({ ...b, pseudonym: bidderPseudonym(b.paddleNumber) })), total, ...page };
  }

  /** At the end of the notice (the worker's job, or an operator): sell, auction among the interested, or nothing. Idempotent. */
  async conclude(listingId: string): Promise<ListingConclusion> {
    const result = await this.tx.run(async (m): Promise<ListingConclusion & { endsAt?: Date }> => {
      const l = await this.lock(m, listingId);
      if (l.mode !== 'fixed_price') return { outcome: 'not_fixed_price' };
      if (l.concluded_at || l.status !== 'active') return { outcome: 'already_concluded' };
      const now = this.clock.now();
      if (!l.notice_ends_at || now < l.notice_ends_at) return { outcome: 'not_due' };
      const intents = await intentOrganizations(m, listingId);
      if (intents.length === 0) {
        await concludeWithoutIntent(m, listingId, now);
        return { outcome: 'no_intent' };
      }
      if (intents.length === 1) {
        const dealId = newId(this.clock);
        await insertFixedPriceDeal(m, dealId, listingId, intents[0].organization_id, now);
        await closeConcludedListing(m, listingId, now, 'sold at the listed price');
        await this.outbox.append(m, DealConcluded.create({ dealId, source: 'fixed_price', listingId, buyerId: intents[0].organization_id }, this.clock));
        await recordAudit(m, {
          action: 'listing.sold',
          subjectType: 'listing',
          subjectId: listingId,
          data: { dealId, buyerId: intents[0].organization_id },
          occurredAt: now,
        });
        return { outcome: 'sold', dealId, buyerId: intents[0].organization_id };
      }
      // Two or more: an auction among them, starting at the listed price. They pay the deposit to bid.
      const price = BigInt(l.price_fen!);
      const lotId = newId(this.clock);
      const endsAt = new Date(now.getTime() + INTENT_AUCTION_HOURS * 3600_000);
      const listed = await listingWithTitle(m, listingId);
      // deposit: a tenth of the listed price
      await insertLot(m, {
        id: lotId,
        listingId,
        achievementId: listed.achievement_id,
        holderId: listed.holder_id,
        title: listed.title,
        startingPriceFen: price,
        increment: defaultIncrement(price),
        depositFen: price / 10n,
        startsAt: now,
        endsAt,
      });
      await registerIntentsForLot(m, lotId, listingId);
      await turnIntoAuction(m, listingId, now, `turned into an auction among ${intents.length} enterprises`);
      await recordAudit(m, {
        action: 'listing.turned_into_auction',
        subjectType: 'listing',
        subjectId: listingId,
        data: { lotId, bidders: intents.length },
        occurredAt: now,
      });
      return { outcome: 'auction', lotId, bidders: intents.length, endsAt };
    });
    if (result.outcome === 'auction' && result.endsAt) await this.lotEvents.scheduleClose(result.lotId, result.endsAt);
    if ('endsAt' in result) delete result.endsAt;
    return result;
  }

  /** The worker's sweep (every 15 minutes): concludes every fixed-price listing whose notice is over. */
  async concludeDue(): Promise<number> {
    const now = this.clock.now();
    const rows = await listingsDueForConclusion(this.db, now);
    let concluded = 0;
    for (const r of rows) {
      const ends = r.notice_ends_at ?? (await this.calendar.noticePeriod(this.db, r.created_at, FORCED_NOTICE_DAYS)).endsAt;
      if (ends > now) continue;
      const outcome = await this.conclude(r.id);
      if (outcome.outcome === 'sold' || outcome.outcome === 'auction' || outcome.outcome === 'no_intent') concluded++;
    }
    return concluded;
  }

  /** 协议定价: the holder records the price agreed with an enterprise that declared intent. */
  async agree(actor: Principal, listingId: string, dto: AgreementDto): Promise<{ dealId: string }> {
    const agreed = await this.tx.run(async (m) => {
      const l = await this.lock(m, listingId);
      if (!(actor.organizationId === l.holder_id && actor.roles.includes('holder_admin')) && !actor.roles.includes('platform_admin'))
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder records an agreement');
      if (l.mode !== 'negotiated') throw new ConflictError('NOT_NEGOTIATED', 'Only a negotiated listing concludes by agreement');
      if (l.status !== 'active') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      if (!(await hasIntent(m, listingId, dto.enterpriseId)))
        throw new ValidationError([{ field: 'enterpriseId', code: 'noIntent', message: 'this enterprise has not declared an intent on the listing' }]);
      const dealId = newId(this.clock);
      const now = this.clock.now();
      await insertNegotiatedDeal(m, dealId, listingId, dto.enterpriseId, dto.priceFen, now);
      await closeConcludedListing(m, listingId, now, 'agreed');
      await this.outbox.append(m, DealConcluded.create({ dealId, source: 'negotiated', listingId, buyerId: dto.enterpriseId }, this.clock));
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'listing.agreed',
        subjectType: 'listing',
        subjectId: listingId,
        data: { dealId, priceFen: dto.priceFen },
        occurredAt: now,
      });
      return { dealId };
    });
    return agreed;
  }

  /** A buyer who does not sign in time defaults: the deal is marked and an auction winner's deposit is forfeited. */
  async defaultDeal(actor: Principal, dealId: string, reason: string): Promise<{ dealId: string; forfeitedDepositId: string | null }> {
    const depositId = await this.tx.run(async (m) => {
      const rows = await lockDealWithWinnerDeposit(m, dealId);
      if (!rows[0]) throw new NotFoundError('DEAL_NOT_FOUND', 'No such deal');
      if (rows[0].status !== 'awaiting_contract') throw new ConflictError('DEAL_NOT_AWAITING_CONTRACT', `The deal is ${rows[0].status}`);
      await markDefaulted(m, dealId, this.clock.now(), reason);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'deal.defaulted',
        subjectType: 'deal',
        subjectId: dealId,
        reason,
        occurredAt: this.clock.now(),
      });
      return rows[0].deposit_id;
    });
    if (depositId) await this.deposits.forfeit(depositId);
    return { dealId, forfeitedDepositId: depositId };
  }

  /** When the deal's contract is signed (the contracts context calls this): the winner's deposit is applied to the price. */
  async applyWinnerDeposit(dealId: string): Promise<string | null> {
    const rows = await winnerRegistrationOfDeal(this.db, dealId);
    if (!rows[0]) return null;
    if (rows[0].deposit_id) await this.deposits.capture(rows[0].deposit_id);
    await markDepositApplied(this.db, rows[0].id);
    return rows[0].deposit_id;
  }

  private async lock(m: EntityManager, id: string) {
    const rows = await lockListingForFlow(m, id);
    if (!rows[0]) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    const l = rows[0];
    // The scan opens forced listings in bulk without a notice date: theirs runs from the opening.
    return {
      ...l,
      notice_ends_at:
        l.notice_ends_at ?? (l.forced && l.mode === 'fixed_price' ? (await this.calendar.noticePeriod(m, l.created_at, FORCED_NOTICE_DAYS)).endsAt : null),
    };
  }
}
