import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Injectable, Logger, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Clock, CLOCK, ConflictError, ForbiddenError, newId, NotFoundError, ValidationError } from '@zjp/core';
import { isUniqueViolation, Outbox, recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, IsFen, ParseIdPipe, QUEUES, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { AUCTION_JOBS } from '../jobs';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { defaultIncrement } from '../domain';
import { insertLot } from '../lots/lots.repository';
import { LotEventsPublisher } from '../bidding/lot-events.publisher';
import { DealConcluded } from '../events';
import { DEPOSIT_GATEWAY, type DepositGateway } from '../lots/deposit-gateway';

export class CreateListingDto {
  @ApiProperty() @IsUUID() achievementId!: string;
  @ApiProperty({ enum: ['fixed_price', 'negotiated'], description: '挂牌 (a public notice, then a sale or an auction among those interested) or 协议定价' }) @IsIn(['fixed_price', 'negotiated']) mode!: 'fixed_price' | 'negotiated';
  @ApiProperty({ enum: ['transfer', 'license', 'equity'] }) @IsIn(['transfer', 'license', 'equity']) dealType!: string;
  @ApiPropertyOptional({ enum: ['exclusive', 'sole', 'ordinary'] }) @Omittable() @IsIn(['exclusive', 'sole', 'ordinary']) licenseType?: string;
  @ApiPropertyOptional({ example: '80000000', description: 'fixed_price: the listed price in fen' }) @Omittable() @IsFen() priceFen?: string;
  @ApiPropertyOptional({ default: 10, description: 'fixed_price: working days of public notice' }) @Omittable() @IsInt() @Min(1) @Max(60) noticeDays?: number;
}

export class DeclareIntentDto {
  @ApiPropertyOptional({ example: '我司拟受让该成果用于新产线' }) @Omittable() @IsString() @Length(0, 2000) statement?: string;
}

export class AgreementDto {
  @ApiProperty() @IsUUID() enterpriseId!: string;
  @ApiProperty({ example: '60000000' }) @IsFen() priceFen!: string;
}

export class DefaultDto {
  @ApiProperty({ example: '成交后未在规定期限内签订合同' }) @IsString() @Length(1, 2000) reason!: string;
}

export type ListingConclusion =
  | { outcome: 'sold'; dealId: string; buyerId: string }
  | { outcome: 'auction'; lotId: string; bidders: number }
  | { outcome: 'no_intent' }
  | { outcome: 'not_due' | 'already_concluded' | 'not_fixed_price' };

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

  async create(actor: Principal, dto: CreateListingDto): Promise<{ id: string; noticeEndsAt: string | null; noticeProvisional: boolean; provisionalYears: number[] }> {
    const problems = [];
    if (dto.mode === 'fixed_price' && !dto.priceFen) problems.push({ field: 'priceFen', code: 'required', message: 'a fixed-price listing needs a price' });
    if ((dto.dealType === 'license') !== (dto.licenseType !== undefined)) problems.push({ field: 'licenseType', code: 'licenseTypeMismatch', message: 'licenseType is required for a licence and only for a licence' });
    if (problems.length) throw new ValidationError(problems);
    const now = this.clock.now();
    // Counted by the official working-day calendar; provisional where it reaches a year not loaded yet.
    const notice = dto.mode === 'fixed_price' ? await this.calendar.noticePeriod(this.db, now, dto.noticeDays ?? 10) : null;
    const ends = notice?.endsAt ?? null;
    const provisionalYears = notice?.provisionalYears ?? [];
    const id = await this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT holder_id, registration_status FROM achievement_directory WHERE id = $1`, [dto.achievementId])) as { holder_id: string; registration_status: string }[];
      if (!rows[0]) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (!actor.roles.includes('platform_admin') && !(actor.organizationId === rows[0].holder_id && actor.roles.includes('holder_admin'))) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder or the operator can list this achievement');
      }
      if (rows[0].registration_status !== 'registered') throw new ConflictError('ACHIEVEMENT_NOT_REGISTERED', 'Only a registered achievement can be listed');
      const listingId = newId(this.clock);
      await m.query(
        `INSERT INTO listings (id, achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type, notice_days, notice_ends_at, notice_provisional, created_at, updated_at)
         VALUES ($1, $2, $3, $4, false, $5, 'active', $6, $7, $8, $9, $10, $11, $11)`,
        [listingId, dto.achievementId, rows[0].holder_id, dto.mode, dto.priceFen ?? null, dto.dealType, dto.licenseType ?? null, dto.mode === 'fixed_price' ? (dto.noticeDays ?? 10) : null, ends, provisionalYears.length > 0, now],
      );
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'listing.created', subjectType: 'listing', subjectId: listingId, data: { mode: dto.mode }, occurredAt: now });
      return listingId;
    });
    if (ends) await this.scheduleConclusion(id, ends);
    return { id, noticeEndsAt: ends?.toISOString() ?? null, noticeProvisional: provisionalYears.length > 0, provisionalYears };
  }

  /** A forced (P-2Y) listing is fixed-price too: its notice starts when it opens. */
  async scheduleConclusion(listingId: string, at: Date): Promise<void> {
    await this.queue.add(AUCTION_JOBS.concludeListing, { listingId }, { jobId: `conclude-${listingId}-${at.getTime()}`, delay: Math.max(0, at.getTime() - Date.now()), attempts: 10, backoff: { type: 'exponential', delay: 1000 } });
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
      await m.query(`INSERT INTO listing_intents (id, listing_id, organization_id, statement, declared_by, declared_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id, listingId, actor.organizationId, dto.statement ?? '', actor.userId, this.clock.now(),
      ]).catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new ConflictError('INTENT_ALREADY_DECLARED', 'Your organisation already declared its intent');
        throw err;
      });
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'listing.intent_declared', subjectType: 'listing', subjectId: listingId, occurredAt: this.clock.now() });
      const count = ((await m.query(`SELECT count(*)::int AS n FROM listing_intents WHERE listing_id = $1`, [listingId])) as { n: number }[])[0].n;
      return { id, listingId, intents: count };
    });
  }

  async intents(actor: Principal, listingId: string): Promise<unknown[]> {
    const l = (await this.db.query(`SELECT holder_id FROM listings WHERE id = $1`, [listingId])) as { holder_id: string }[];
    if (!l[0]) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    if (!actor.roles.includes('platform_admin') && actor.organizationId !== l[0].holder_id) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder sees who declared intent');
    return this.db.query(`SELECT i.id, i.organization_id AS "organizationId", o.name, i.statement, i.declared_at AS "declaredAt" FROM listing_intents i JOIN organization_directory o ON o.id = i.organization_id WHERE i.listing_id = $1 ORDER BY i.declared_at`, [listingId]);
  }

  /** At the end of the notice (the worker's job, or an operator): sell, auction among the interested, or nothing. Idempotent. */
  async conclude(listingId: string): Promise<ListingConclusion> {
    const result = await this.tx.run(async (m): Promise<ListingConclusion & { endsAt?: Date }> => {
      const l = await this.lock(m, listingId);
      if (l.mode !== 'fixed_price') return { outcome: 'not_fixed_price' };
      if (l.concluded_at || l.status !== 'active') return { outcome: 'already_concluded' };
      const now = this.clock.now();
      if (!l.notice_ends_at || now < l.notice_ends_at) return { outcome: 'not_due' };
      const intents = (await m.query(`SELECT organization_id FROM listing_intents WHERE listing_id = $1 ORDER BY declared_at`, [listingId])) as { organization_id: string }[];
      if (intents.length === 0) {
        await m.query(`UPDATE listings SET concluded_at = $2, status_reason = 'no intent declared during the notice period', updated_at = now() WHERE id = $1`, [listingId, now]);
        return { outcome: 'no_intent' };
      }
      if (intents.length === 1) {
        const dealId = newId(this.clock);
        await m.query(
          `INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source)
           SELECT $1, NULL, id, achievement_id, holder_id, $2, COALESCE(deal_type, 'license'), CASE WHEN deal_type IS NULL THEN 'ordinary' ELSE license_type END,
                  price_fen, 0, $3, 'fixed_price' FROM listings WHERE id = $4`,
          [dealId, intents[0].organization_id, now, listingId],
        );
        await m.query(`UPDATE listings SET status = 'closed', concluded_at = $2, status_reason = 'sold at the listed price', updated_at = now() WHERE id = $1`, [listingId, now]);
        await this.outbox.append(m, DealConcluded.create({ dealId, source: 'fixed_price', listingId, buyerId: intents[0].organization_id }, this.clock));
        await recordAudit(m, { action: 'listing.sold', subjectType: 'listing', subjectId: listingId, data: { dealId, buyerId: intents[0].organization_id }, occurredAt: now });
        return { outcome: 'sold', dealId, buyerId: intents[0].organization_id };
      }
      // Two or more: an auction among them, starting at the listed price. They pay the deposit to bid.
      const price = BigInt(l.price_fen!);
      const lotId = newId(this.clock);
      const endsAt = new Date(now.getTime() + INTENT_AUCTION_HOURS * 3600_000);
      const [listed] = (await m.query(`SELECT l.achievement_id, l.holder_id, a.title FROM listings l JOIN achievement_directory a ON a.id = l.achievement_id WHERE l.id = $1`, [listingId])) as {
        achievement_id: string; holder_id: string; title: string;
      }[];
      // deposit: a tenth of the listed price
      await insertLot(m, {
        id: lotId, listingId, achievementId: listed.achievement_id, holderId: listed.holder_id, title: listed.title,
        startingPriceFen: price, increment: defaultIncrement(price), depositFen: price / 10n, startsAt: now, endsAt,
      });
      await m.query(
        `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status)
         SELECT $1, organization_id, row_number() OVER (ORDER BY declared_at), 'pending' FROM listing_intents WHERE listing_id = $2`,
        [lotId, listingId],
      );
      await m.query(`UPDATE listings SET mode = 'auction', concluded_at = $2, status_reason = $3, updated_at = now() WHERE id = $1`, [listingId, now, `turned into an auction among ${intents.length} enterprises`]);
      await recordAudit(m, { action: 'listing.turned_into_auction', subjectType: 'listing', subjectId: listingId, data: { lotId, bidders: intents.length }, occurredAt: now });
      return { outcome: 'auction', lotId, bidders: intents.length, endsAt };
    });
    if (result.outcome === 'auction' && result.endsAt) await this.lotEvents.scheduleClose(result.lotId, result.endsAt);
    if ('endsAt' in result) delete result.endsAt;
    return result;
  }

  /** The worker's sweep (every 15 minutes): concludes every fixed-price listing whose notice is over. */
  async concludeDue(): Promise<number> {
    const now = this.clock.now();
    const rows = (await this.db.query(
      `SELECT id, notice_ends_at, forced, created_at FROM listings
        WHERE mode = 'fixed_price' AND status = 'active' AND concluded_at IS NULL AND price_fen IS NOT NULL
          AND (notice_ends_at <= $1 OR (notice_ends_at IS NULL AND forced))`,
      [now],
    )) as { id: string; notice_ends_at: Date | null; forced: boolean; created_at: Date }[];
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
      if (!(actor.organizationId === l.holder_id && actor.roles.includes('holder_admin')) && !actor.roles.includes('platform_admin')) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder records an agreement');
      if (l.mode !== 'negotiated') throw new ConflictError('NOT_NEGOTIATED', 'Only a negotiated listing concludes by agreement');
      if (l.status !== 'active') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      const intent = (await m.query(`SELECT 1 FROM listing_intents WHERE listing_id = $1 AND organization_id = $2`, [listingId, dto.enterpriseId])) as unknown[];
      if (!intent.length) throw new ValidationError([{ field: 'enterpriseId', code: 'noIntent', message: 'this enterprise has not declared an intent on the listing' }]);
      const dealId = newId(this.clock);
      const now = this.clock.now();
      await m.query(
        `INSERT INTO deals (id, lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source)
         SELECT $1, NULL, id, achievement_id, holder_id, $2, deal_type, license_type, $3, 0, $4, 'negotiated' FROM listings WHERE id = $5`,
        [dealId, dto.enterpriseId, dto.priceFen, now, listingId],
      );
      await m.query(`UPDATE listings SET status = 'closed', concluded_at = $2, status_reason = 'agreed', updated_at = now() WHERE id = $1`, [listingId, now]);
      await this.outbox.append(m, DealConcluded.create({ dealId, source: 'negotiated', listingId, buyerId: dto.enterpriseId }, this.clock));
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'listing.agreed', subjectType: 'listing', subjectId: listingId, data: { dealId, priceFen: dto.priceFen }, occurredAt: now });
      return { dealId };
    });
    return agreed;
  }

  /** A buyer who does not sign in time defaults: the deal is marked and an auction winner's deposit is forfeited. */
  async defaultDeal(actor: Principal, dealId: string, reason: string): Promise<{ dealId: string; forfeitedDepositId: string | null }> {
    const depositId = await this.tx.run(async (m) => {
      const rows = (await m.query(
        `SELECT d.status, r.deposit_id FROM deals d LEFT JOIN lots l ON l.id = d.lot_id LEFT JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE d.id = $1 FOR UPDATE OF d`,
        [dealId],
      )) as { status: string; deposit_id: string | null }[];
      if (!rows[0]) throw new NotFoundError('DEAL_NOT_FOUND', 'No such deal');
      if (rows[0].status !== 'awaiting_contract') throw new ConflictError('DEAL_NOT_AWAITING_CONTRACT', `The deal is ${rows[0].status}`);
      await m.query(`UPDATE deals SET status = 'defaulted', defaulted_at = $2, default_reason = $3 WHERE id = $1`, [dealId, this.clock.now(), reason]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'deal.defaulted', subjectType: 'deal', subjectId: dealId, reason, occurredAt: this.clock.now() });
      return rows[0].deposit_id;
    });
    if (depositId) await this.deposits.forfeit(depositId);
    return { dealId, forfeitedDepositId: depositId };
  }

  /** When the deal's contract is signed (the contracts context calls this): the winner's deposit is applied to the price. */
  async applyWinnerDeposit(dealId: string): Promise<string | null> {
    const rows = (await this.db.query(
      `SELECT r.id, r.deposit_id FROM deals d JOIN lots l ON l.id = d.lot_id JOIN lot_registrations r ON r.id = l.winner_registration_id WHERE d.id = $1`,
      [dealId],
    )) as { id: string; deposit_id: string | null }[];
    if (!rows[0]) return null;
    if (rows[0].deposit_id) await this.deposits.capture(rows[0].deposit_id);
    await this.db.query(`UPDATE lot_registrations SET deposit_status = 'applied' WHERE id = $1 AND deposit_status = 'held'`, [rows[0].id]);
    return rows[0].deposit_id;
  }

  private async lock(m: EntityManager, id: string) {
    const rows = (await m.query(`SELECT id, holder_id, mode, forced, status, price_fen::text AS price_fen, notice_ends_at, concluded_at, created_at FROM listings WHERE id = $1 FOR UPDATE`, [id])) as {
      id: string; holder_id: string; mode: string; forced: boolean; status: string; price_fen: string | null; notice_ends_at: Date | null; concluded_at: Date | null; created_at: Date;
    }[];
    if (!rows[0]) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    const l = rows[0];
    // The scan opens forced listings in bulk without a notice date: theirs runs from the opening.
    return { ...l, notice_ends_at: l.notice_ends_at ?? (l.forced && l.mode === 'fixed_price' ? (await this.calendar.noticePeriod(m, l.created_at, FORCED_NOTICE_DAYS)).endsAt : null) };
  }
}

@ApiTags('listings')
@ApiBearerAuth()
@Controller()
export class ListingFlowsController {
  constructor(private readonly flows: ListingFlowsService) {}

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement', 'body:achievementId')
  @Post('listings')
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateListingDto) {
    return this.flows.create(actor, body);
  }

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('listings/:id/intents')
  declare(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DeclareIntentDto) {
    return this.flows.declareIntent(actor, id, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('listing')
  @Get('listings/:id/intents')
  intents(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.flows.intents(actor, id);
  }

  /** Normally the worker concludes at the end of the notice; the operator may run it (it refuses before the end). */
  @Roles('platform_admin')
  @OrgScope.owned('listing')
  @Post('listings/:id/conclusion')
  @HttpCode(200)
  conclude(@Param('id', ParseIdPipe) id: string) {
    return this.flows.conclude(id);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @Post('listings/:id/agreements')
  agree(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: AgreementDto) {
    return this.flows.agree(actor, id, body);
  }

  @Roles('platform_admin')
  @OrgScope.owned('deal')
  @Post('deals/:id/default')
  @HttpCode(200)
  defaultDeal(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DefaultDto) {
    return this.flows.defaultDeal(actor, id, body.reason);
  }
}
