import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, ForbiddenError, newId, NotFoundError, regionLevel, todayInShanghai, ValidationError, type FieldError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { bidderPseudonym, validateIncrementRule, verifyChain, type IncrementRule } from '../domain';
import { LotEventsPublisher } from '../bidding/lot-events.publisher';
import { DEPOSIT_GATEWAY, type DepositGateway } from './deposit-gateway';
import { LotRow, stateOf } from './lot-row';
import type { DiscoverLotsQuery, LotCardDto } from './lot-discovery.dto';
import type { LotBidsDto, LotRegistrationPageDto } from './lot-responses.dto';
import { CreateAuctionDto, OfflineRegistrationDto } from './lots.dto';
import { appraisalColumns, appraisalProblems, type AppraisalDto } from '../listings/dto/appraisal.dto';
import { insertAuctionListing } from '../listings/listings.repository';
import { sessionExists } from '../sessions/sessions.repository';
import {
  acceptedBidsAfter,
  discoverLots,
  achievementForLot,
  attachDeposit,
  attachHeldDeposit,
  followDepositStatus,
  insertLot,
  insertRegistration,
  lockLot,
  lotDepositFen,
  lotExists,
  missingLots,
  lotRegistrations,
  lotWithPaddles,
  markDepositFailed,
  openLot,
  openLotOfSession,
  organizationType,
  registrationById,
  registrationOf,
  registrationsOf,
} from './lots.repository';
import type { OwnRegistrationPageDto } from './bidder-registrations.dto';

export interface LotView {
  id: string;
  listingId: string;
  achievementId: string;
  holderId: string;
  title: string;
  sessionId: string | null;
  startingPriceFen: string;
  hasReserve: boolean;
  increment: LotRow['increment'];
  depositFen: string;
  startsAt: string;
  endsAt: string;
  originalEndsAt: string;
  extensionMinutes: number;
  extensionCapMinutes: number | null;
  proxyAllowed: boolean;
  live: boolean;
  status: string;
  seq: number;
  bidCount: number;
  currentFen: string | null;
  leader: string | null;
  result: string | null;
  hammerPriceFen: string | null;
  winner: string | null;
  chainHead: string;
  appraisal: AppraisalDto | null;
}

export interface RegistrationView {
  id: string;
  lotId: string;
  organizationId: string;
  paddleNumber: number;
  pseudonym: string;
  offline: boolean;
  depositId: string | null;
  depositStatus: string;
}

@Injectable()
export class LotsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    private readonly events: LotEventsPublisher,
    @Inject(DEPOSIT_GATEWAY) private readonly deposits: DepositGateway,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A holder (or the operator) puts a registered achievement up for auction: a listing and its lot. */
  async createAuction(actor: Principal, dto: CreateAuctionDto): Promise<LotView> {
    const problems: FieldError[] = [];
    const increment: IncrementRule =
      dto.increment.kind === 'fixed'
        ? { kind: 'fixed', amountFen: BigInt(dto.increment.amountFen ?? '0') }
        : { kind: 'ladder', bands: (dto.increment.bands ?? []).map((b) => ({ fromFen: BigInt(b.fromFen), incrementFen: BigInt(b.incrementFen) })) };
    for (const message of validateIncrementRule(increment)) problems.push({ field: 'increment', code: 'invalidIncrement', message });
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (!(startsAt < endsAt)) problems.push({ field: 'endsAt', code: 'beforeStart', message: 'endsAt must be after startsAt' });
    if (endsAt <= this.clock.now()) problems.push({ field: 'endsAt', code: 'inPast', message: 'endsAt must be in the future' });
    if (BigInt(dto.startingPriceFen) <= 0n) problems.push({ field: 'startingPriceFen', code: 'notPositive', message: 'startingPriceFen must be positive' });
    if ((dto.dealType === 'license') !== (dto.licenseType !== undefined))
      problems.push({ field: 'licenseType', code: 'licenseTypeMismatch', message: 'licenseType is required for a licence and only for a licence' });
    problems.push(...appraisalProblems(dto.appraisal, todayInShanghai(this.clock)));
    if (problems.length) throw new ValidationError(problems);

    return this.tx.run(async (m) => {
      const a = await achievementForLot(m, dto.achievementId);
      if (!a) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (!actor.roles.includes('platform_admin') && !(actor.organizationId === a.holder_id && actor.roles.includes('holder_admin'))) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder or the operator can auction this achievement');
      }
      if (a.registration_status !== 'registered') throw new ConflictError('ACHIEVEMENT_NOT_REGISTERED', 'Only a registered achievement can be auctioned');
      if (dto.sessionId && !(await sessionExists(m, dto.sessionId))) {
        throw new ValidationError([{ field: 'sessionId', code: 'unknownSession', message: 'no such auction session' }]);
      }
      const listingId = newId(this.clock);
      await insertAuctionListing(m, {
        id: listingId,
        achievementId: dto.achievementId,
        holderId: a.holder_id,
        priceFen: dto.startingPriceFen,
        dealType: dto.dealType,
        licenseType: dto.licenseType ?? null,
        appraisal: appraisalColumns(dto.appraisal),
      });
      const lotId = newId(this.clock);
      await insertLot(m, {
        id: lotId,
        listingId,
        sessionId: dto.sessionId ?? null,
        achievementId: dto.achievementId,
        holderId: a.holder_id,
        title: a.title,
        startingPriceFen: BigInt(dto.startingPriceFen),
        reservePriceFen: dto.reservePriceFen === undefined ? null : BigInt(dto.reservePriceFen),
        increment,
        depositFen: BigInt(dto.depositFen),
        startsAt,
        endsAt,
        extensionMinutes: dto.extensionMinutes ?? 5,
        extensionCapMinutes: dto.extensionCapMinutes ?? null,
        proxyAllowed: dto.proxyAllowed ?? true,
        live: dto.live ?? false,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'lot.created',
        subjectType: 'lot',
        subjectId: lotId,
        data: { listingId, achievementId: dto.achievementId },
        occurredAt: this.clock.now(),
      });
      await this.events.scheduleClose(lotId, endsAt);
      await this.events.scheduleStartingSoon(lotId, startsAt);
      return this.viewIn(m, lotId);
    });
  }

  /** GET /lots: live lots by end, upcoming by start, closed latest first; filtered by phase, session, field and the holder's region. */
  async discover(query: DiscoverLotsQuery): Promise<PageOf<LotCardDto>> {
    const now = this.clock.now();
    let region: { from: string; to: string } | null = null;
    if (query.region) {
      const prefix = query.region.slice(0, { province: 2, city: 4, county: 6 }[regionLevel(query.region)]);
      region = { from: prefix.padEnd(6, '0'), to: prefix.padEnd(6, '9') };
    }
    const { rows, total } = await discoverLots(
      this.db,
      { now, phase: query.status ?? null, sessionId: query.sessionId ?? null, technicalField: query.field ?? null, region },
      query.limit,
      query.offset,
    );
    const items = rows.map((l): LotCardDto => ({
      id: l.id,
      achievementId: l.achievement_id,
      title: l.achievement_title,
      technicalField: l.technical_field,
      holder: { id: l.holder_id, name: l.holder_name, regionCode: l.holder_region_code },
      sessionId: l.session_id,
      sessionTitle: l.session_title,
      dealType: l.deal_type,
      licenseType: l.license_type,
      startingPriceFen: l.starting_price_fen,
      currentFen: l.current_fen,
      bidCount: l.bid_count,
      depositFen: l.deposit_fen,
      startsAt: l.starts_at.toISOString(),
      endsAt: l.ends_at.toISOString(),
      status: stateOf(l, now).status,
      live: l.live,
      reservePresent: l.reserve_price_fen !== null,
      result: l.result,
      hammerPriceFen: l.hammer_price_fen,
    }));
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** The caller's organisation's registrations for lots: deposits, its best bids, leads and wins. */
  async ownRegistrations(actor: Principal, limit: number, offset: number): Promise<OwnRegistrationPageDto> {
    const now = this.clock.now();
    const { rows, total } = await registrationsOf(this.db, actor.organizationId, limit, offset);
    const items = rows.map((r) => ({
      id: r.id,
      lotId: r.lot_id,
      title: r.achievement_title,
      pseudonym: bidderPseudonym(r.paddle_number),
      depositStatus: r.deposit_status,
      depositFen: r.deposit_fen,
      status: r.status === 'scheduled' && now >= r.starts_at ? 'open' : r.status === 'cancelled' ? 'closed' : r.status,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      currentFen: r.current_fen,
      myBestFen: r.my_best_fen,
      leading: r.leading,
      won: r.won,
      result: r.result,
      hammerPriceFen: r.hammer_price_fen,
    }));
    return { items, total, limit, offset };
  }

  async get(lotId: string): Promise<LotView> {
    return this.viewIn(this.db.manager, lotId);
  }

  /** Accepted bids after a sequence number, with the hash chain: for gap recovery and verification. */
  async bids(lotId: string, afterSeq: number, limit: number): Promise<LotBidsDto> {
    const lot = await this.viewIn(this.db.manager, lotId);
    const rows = await acceptedBidsAfter(this.db, lotId, afterSeq, limit);
    const bids = rows.map((r) => ({
      seq: r.seq,
      amountFen: r.amountFen,
      bidder: bidderPseudonym(r.paddle),
      proxy: r.proxy,
      floor: r.floor,
      at: r.at.toISOString(),
      prevHash: r.prevHash,
      hash: r.hash,
    }));
    let verified = false;
    if (afterSeq === 0 && rows.length === lot.seq) {
      verified = verifyChain(
        lotId,
        bids.map((b) => ({
          seq: b.seq,
          bidderId: b.bidder,
          amountFen: BigInt(b.amountFen),
          at: new Date(b.at),
          proxy: b.proxy,
          prevHash: b.prevHash,
          hash: b.hash,
        })),
      ).ok;
    }
    return { lotId, chainHead: lot.chainHead, verified, bids };
  }

  /** An enterprise registers for a lot and its deposit is put on hold (Stripe, manual capture). */
  async register(actor: Principal, lotId: string, paymentMethod: string | undefined): Promise<RegistrationView> {
    if (actor.organizationType !== 'enterprise') throw new ForbiddenError('NOT_AN_ENTERPRISE', 'Only enterprises bid');
    const { registration, depositFen, startsAt } = await this.tx.run(async (m) => {
      const lot = await this.lockLot(m, lotId);
      if (lot.status === 'closed' || lot.status === 'cancelled' || lot.ends_at <= this.clock.now()) throw new ConflictError('LOT_CLOSED', 'The lot is closed');
      const existing = await registrationOf(m, lotId, actor.organizationId);
      // Registering again after a declined or unfinished deposit tries the deposit again.
      if (existing && (existing.deposit_status === 'failed' || existing.deposit_status === 'pending'))
        return { registration: existing.id, depositFen: BigInt(lot.deposit_fen), startsAt: null };
      if (existing) throw new ConflictError('ALREADY_REGISTERED', 'Your organisation is already registered for this lot', { registrationId: existing.id });
      // refused before anything is written: a 4xx leaves no registration behind
      if (BigInt(lot.deposit_fen) > 0n && !paymentMethod)
        throw new ValidationError([{ field: 'paymentMethod', code: 'required', message: 'a payment method for the deposit is required' }]);
      const id = await this.insertRegistration(m, lotId, actor.organizationId, false, BigInt(lot.deposit_fen) === 0n ? 'held' : 'pending', actor.userId);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'lot.bidder_registered',
        subjectType: 'lot',
        subjectId: lotId,
        data: { registrationId: id },
        occurredAt: this.clock.now(),
      });
      return { registration: id, depositFen: BigInt(lot.deposit_fen), startsAt: lot.starts_at };
    });
    if (startsAt) await this.events.scheduleStartingSoon(lotId, startsAt); // lot_starting_soon, also for a late registrant
    if (depositFen > 0n) {
      if (!paymentMethod) throw new ValidationError([{ field: 'paymentMethod', code: 'required', message: 'a payment method for the deposit is required' }]);
      // Outside the transaction: a network call never holds the lot's lock.
      const deposit = await this.deposits
        .hold({ organizationId: actor.organizationId, registrationId: registration, amountFen: depositFen, paymentMethod })
        .catch(async (err: unknown) => {
          await markDepositFailed(this.db, registration);
          throw err;
        });
      await attachDeposit(this.db, registration, deposit.depositId, deposit.status === 'held' ? 'held' : deposit.status === 'failed' ? 'failed' : 'pending');
    }
    return this.registrationView(registration);
  }

  /** The operator registers a floor bidder whose deposit arrived by bank transfer. */
  async registerOffline(actor: Principal, lotId: string, dto: OfflineRegistrationDto): Promise<RegistrationView> {
    // One transaction for the registration, its audit entry and its deposit: a refused bank
    // transfer (BANK_REFERENCE_USED, …) leaves no registration behind.
    const id = newId(this.clock);
    const register = async (m: EntityManager, depositStatus: 'pending' | 'held'): Promise<bigint> => {
      const lot = await this.lockLot(m, lotId);
      if ((await organizationType(m, dto.organizationId)) !== 'enterprise')
        throw new ValidationError([{ field: 'organizationId', code: 'notAnEnterprise', message: 'only enterprises bid' }]);
      await this.insertRegistration(m, lotId, dto.organizationId, true, depositStatus, actor.userId, id);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'lot.floor_bidder_registered',
        subjectType: 'lot',
        subjectId: lotId,
        data: { registrationId: id, bankReference: dto.bankReference },
        occurredAt: this.clock.now(),
      });
      return BigInt(lot.deposit_fen);
    };
    const depositFen = BigInt((await lotDepositFen(this.db, lotId)) ?? '0');
    if (depositFen === 0n) {
      // A lot without a deposit: the floor bidder may bid at once.
      await this.tx.run((m) => register(m, 'held'));
    } else {
      await this.deposits.recordBankTransfer(
        { organizationId: dto.organizationId, registrationId: id, amountFen: depositFen, bankReference: dto.bankReference, actorUserId: actor.userId },
        {
          before: async (m) => {
            if ((await register(m, 'pending')) !== depositFen) throw new ConflictError('LOT_CHANGED', "The lot's deposit changed while registering; try again");
          },
          after: async (m, deposit) => {
            await attachHeldDeposit(m, id, deposit.depositId);
          },
        },
      );
    }
    return this.registrationView(id);
  }

  /**
   * The auctioneer opens a live lot now (P-AUC): its start moves to now, its end stays as the
   * backstop. In a session one live lot is on the block at a time: the previous one is hammered
   * or withdrawn first. Opening an open lot again changes nothing.
   */
  async open(actor: Principal, lotId: string): Promise<LotView> {
    return this.tx.run(async (m) => {
      const lot = await this.lockLot(m, lotId);
      const now = this.clock.now();
      if (!lot.live) throw new ConflictError('LOT_NOT_LIVE', 'Only a live lot is opened by the auctioneer; timed lots open at their start time');
      if (lot.status === 'closed' || lot.status === 'cancelled' || lot.ends_at <= now) throw new ConflictError('LOT_CLOSED', 'The lot is closed');
      if (lot.session_id) {
        const other = await openLotOfSession(m, lot.session_id, lotId, now);
        if (other) throw new ConflictError('ANOTHER_LOT_OPEN', 'Another lot of this session is on the block; hammer or withdraw it first', { lotId: other });
      }
      if (lot.status === 'scheduled') {
        await openLot(m, lotId, now);
        await recordAudit(m, {
          actorUserId: actor.userId,
          actorOrganizationId: actor.organizationId,
          action: 'lot.opened',
          subjectType: 'lot',
          subjectId: lotId,
          occurredAt: now,
        });
      }
      return this.viewIn(m, lotId);
    });
  }

  /** The auctioneer's list of a lot's paddles: the organisation behind each, online or floor, deposit, who leads. */
  async registrations(lotId: string, limit: number, offset: number): Promise<LotRegistrationPageDto> {
    await this.assertExists(lotId);
    const { rows, total } = await lotRegistrations(this.db, lotId, limit, offset);
    return { items: rows.map((r) => ({ ...r, pseudonym: bidderPseudonym(r.paddleNumber) })), total, limit, offset };
  }

  /** Kept in step with payments: the deposit of a registration was held, failed, released… */
  async onDepositStatus(registrationId: string, status: 'held' | 'failed' | 'released' | 'applied' | 'forfeited'): Promise<void> {
    await followDepositStatus(this.db, registrationId, status);
  }

  async myRegistration(actor: Principal, lotId: string): Promise<RegistrationView> {
    const registration = await registrationOf(this.db, lotId, actor.organizationId);
    if (!registration) throw new NotFoundError('NOT_REGISTERED', 'Your organisation is not registered for this lot');
    return this.registrationView(registration.id);
  }

  private async insertRegistration(
    m: EntityManager,
    lotId: string,
    organizationId: string,
    offline: boolean,
    depositStatus: string,
    userId: string,
    id = newId(this.clock),
  ): Promise<string> {
    // The lot row is locked by the caller, so paddle numbers are handed out one at a time.
    await insertRegistration(m, { id, lotId, organizationId, offline, depositStatus, registeredBy: userId }).catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new ConflictError('ALREADY_REGISTERED', 'This organisation is already registered for this lot');
      throw err;
    });
    return id;
  }

  private async registrationView(id: string): Promise<RegistrationView> {
    const r = (await registrationById(this.db, id)) as Omit<RegistrationView, 'pseudonym'>;
    return { ...r, pseudonym: bidderPseudonym(r.paddleNumber) };
  }

  /** 404 LOT_NOT_FOUND unless the lot exists (a live room is joined only for a real lot). */
  async assertExists(lotId: string): Promise<void> {
    if (!(await lotExists(this.db, lotId))) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
  }

  /** 404 LOT_NOT_FOUND unless every one of these lots exists, checked in one query (the spectator feed's lot list). */
  async assertAllExist(lotIds: readonly string[]): Promise<void> {
    if ((await missingLots(this.db, lotIds)).length) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
  }

  async lockLot(m: EntityManager, lotId: string): Promise<LotRow> {
    const lot = await lockLot(m, lotId);
    if (!lot) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
    return lot;
  }

  async viewIn(m: EntityManager, lotId: string): Promise<LotView> {
    const l = await lotWithPaddles(m, lotId);
    if (!l) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
    const now = this.clock.now();
    return {
      id: l.id,
      listingId: l.listing_id,
      achievementId: l.achievement_id,
      holderId: l.holder_id,
      title: l.title,
      sessionId: l.session_id,
      startingPriceFen: l.starting_price_fen,
      hasReserve: l.reserve_price_fen !== null,
      increment: l.increment,
      depositFen: l.deposit_fen,
      startsAt: l.starts_at.toISOString(),
      endsAt: l.ends_at.toISOString(),
      originalEndsAt: l.original_ends_at.toISOString(),
      extensionMinutes: l.extension_minutes,
      extensionCapMinutes: l.extension_cap_minutes,
      proxyAllowed: l.proxy_allowed,
      live: l.live,
      status: stateOf(l, now).status,
      seq: l.seq,
      bidCount: l.bid_count,
      currentFen: l.current_fen,
      leader: l.leader_paddle === null ? null : bidderPseudonym(l.leader_paddle),
      result: l.result,
      hammerPriceFen: l.hammer_price_fen,
      winner: l.winner_paddle === null ? null : bidderPseudonym(l.winner_paddle),
      chainHead: l.chain_head,
      appraisal: l.appraisal,
    };
  }
}
