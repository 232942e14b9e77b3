import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, ForbiddenError, newId, NotFoundError, ValidationError, type FieldError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { bidderPseudonym, validateIncrementRule, verifyChain, type IncrementRule } from '../domain';
import { LotEventsPublisher } from '../bidding/lot-events.publisher';
import { DEPOSIT_GATEWAY, type DepositGateway } from './deposit-gateway';
import { LotRow } from './lot-row';
import { CreateAuctionDto, OfflineRegistrationDto } from './lots.dto';
import { insertLot } from './lots.repository';

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
    if ((dto.dealType === 'license') !== (dto.licenseType !== undefined)) problems.push({ field: 'licenseType', code: 'licenseTypeMismatch', message: 'licenseType is required for a licence and only for a licence' });
    if (problems.length) throw new ValidationError(problems);

    return this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT holder_id, title, registration_status FROM achievement_directory WHERE id = $1`, [dto.achievementId])) as { holder_id: string; title: string; registration_status: string }[];
      const a = rows[0];
      if (!a) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      if (!actor.roles.includes('platform_admin') && !(actor.organizationId === a.holder_id && actor.roles.includes('holder_admin'))) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the holder or the operator can auction this achievement');
      }
      if (a.registration_status !== 'registered') throw new ConflictError('ACHIEVEMENT_NOT_REGISTERED', 'Only a registered achievement can be auctioned');
      if (dto.sessionId && !((await m.query(`SELECT 1 FROM auction_sessions WHERE id = $1`, [dto.sessionId])) as unknown[]).length) {
        throw new ValidationError([{ field: 'sessionId', code: 'unknownSession', message: 'no such auction session' }]);
      }
      const listingId = newId(this.clock);
      await m.query(
        `INSERT INTO listings (id, achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type) VALUES ($1, $2, $3, 'auction', false, $4, 'active', $5, $6)`,
        [listingId, dto.achievementId, a.holder_id, dto.startingPriceFen, dto.dealType, dto.licenseType ?? null],
      );
      const lotId = newId(this.clock);
      await insertLot(m, {
        id: lotId, listingId, sessionId: dto.sessionId ?? null, achievementId: dto.achievementId, holderId: a.holder_id, title: a.title,
        startingPriceFen: BigInt(dto.startingPriceFen), reservePriceFen: dto.reservePriceFen === undefined ? null : BigInt(dto.reservePriceFen),
        increment, depositFen: BigInt(dto.depositFen), startsAt, endsAt,
        extensionMinutes: dto.extensionMinutes ?? 5, extensionCapMinutes: dto.extensionCapMinutes ?? null, proxyAllowed: dto.proxyAllowed ?? true, live: dto.live ?? false,
      });
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'lot.created', subjectType: 'lot', subjectId: lotId, data: { listingId, achievementId: dto.achievementId }, occurredAt: this.clock.now() });
      await this.events.scheduleClose(lotId, endsAt);
      return this.viewIn(m, lotId);
    });
  }

  async get(lotId: string): Promise<LotView> {
    return this.viewIn(this.db.manager, lotId);
  }

  /** Accepted bids after a sequence number, with the hash chain: for gap recovery and verification. */
  async bids(lotId: string, afterSeq: number, limit: number): Promise<{ lotId: string; chainHead: string; verified: boolean; bids: unknown[] }> {
    const lot = await this.viewIn(this.db.manager, lotId);
    const rows = (await this.db.query(
      `SELECT b.seq, b.amount_fen::text AS "amountFen", r.paddle_number AS paddle, b.source = 'proxy' AS proxy, b.received_at AS at, b.prev_hash AS "prevHash", b.hash
         FROM bids b JOIN lot_registrations r ON r.id = b.registration_id
        WHERE b.lot_id = $1 AND b.seq > $2 ORDER BY b.seq LIMIT $3`,
      [lotId, afterSeq, limit],
    )) as { seq: number; amountFen: string; paddle: number; proxy: boolean; at: Date; prevHash: string; hash: string }[];
    const bids = rows.map((r) => ({ seq: r.seq, amountFen: r.amountFen, bidder: bidderPseudonym(r.paddle), proxy: r.proxy, at: r.at.toISOString(), prevHash: r.prevHash, hash: r.hash }));
    let verified = false;
    if (afterSeq === 0 && rows.length === lot.seq) {
      verified = verifyChain(lotId, bids.map((b) => ({ seq: b.seq, bidderId: b.bidder, amountFen: BigInt(b.amountFen), at: new Date(b.at), proxy: b.proxy, prevHash: b.prevHash, hash: b.hash }))).ok;
    }
    return { lotId, chainHead: lot.chainHead, verified, bids };
  }

  /** An enterprise registers for a lot and its deposit is put on hold (Stripe, manual capture). */
  async register(actor: Principal, lotId: string, paymentMethod: string | undefined): Promise<RegistrationView> {
    if (actor.organizationType !== 'enterprise') throw new ForbiddenError('NOT_AN_ENTERPRISE', 'Only enterprises bid');
    const { registration, depositFen } = await this.tx.run(async (m) => {
      const lot = await this.lockLot(m, lotId);
      if (lot.status === 'closed' || lot.status === 'cancelled' || lot.ends_at <= this.clock.now()) throw new ConflictError('LOT_CLOSED', 'The lot is closed');
      const existing = (await m.query(`SELECT id, deposit_status FROM lot_registrations WHERE lot_id = $1 AND organization_id = $2`, [lotId, actor.organizationId])) as { id: string; deposit_status: string }[];
      // Registering again after a declined or unfinished deposit tries the deposit again.
      if (existing[0] && (existing[0].deposit_status === 'failed' || existing[0].deposit_status === 'pending')) return { registration: existing[0].id, depositFen: BigInt(lot.deposit_fen) };
      if (existing[0]) throw new ConflictError('ALREADY_REGISTERED', 'Your organisation is already registered for this lot', { registrationId: existing[0].id });
      const id = await this.insertRegistration(m, lotId, actor.organizationId, false, BigInt(lot.deposit_fen) === 0n ? 'held' : 'pending', actor.userId);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'lot.bidder_registered', subjectType: 'lot', subjectId: lotId, data: { registrationId: id }, occurredAt: this.clock.now() });
      return { registration: id, depositFen: BigInt(lot.deposit_fen) };
    });
    if (depositFen > 0n) {
      if (!paymentMethod) throw new ValidationError([{ field: 'paymentMethod', code: 'required', message: 'a payment method for the deposit is required' }]);
      // Outside the transaction: a network call never holds the lot's lock.
      const deposit = await this.deposits.hold({ organizationId: actor.organizationId, registrationId: registration, amountFen: depositFen, paymentMethod }).catch(async (err: unknown) => {
        await this.db.query(`UPDATE lot_registrations SET deposit_status = 'failed' WHERE id = $1 AND deposit_status = 'pending'`, [registration]);
        throw err;
      });
      await this.db.query(`UPDATE lot_registrations SET deposit_id = $2, deposit_status = CASE WHEN deposit_status = 'pending' THEN $3 ELSE deposit_status END WHERE id = $1`, [
        registration, deposit.depositId, deposit.status === 'held' ? 'held' : deposit.status === 'failed' ? 'failed' : 'pending',
      ]);
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
      const org = (await m.query(`SELECT type FROM organization_directory WHERE id = $1`, [dto.organizationId])) as { type: string }[];
      if (org[0]?.type !== 'enterprise') throw new ValidationError([{ field: 'organizationId', code: 'notAnEnterprise', message: 'only enterprises bid' }]);
      await this.insertRegistration(m, lotId, dto.organizationId, true, depositStatus, actor.userId, id);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'lot.floor_bidder_registered', subjectType: 'lot', subjectId: lotId, data: { registrationId: id, bankReference: dto.bankReference }, occurredAt: this.clock.now() });
      return BigInt(lot.deposit_fen);
    };
    const depositFen = BigInt(((await this.db.query(`SELECT deposit_fen FROM lots WHERE id = $1`, [lotId])) as { deposit_fen: string }[])[0]?.deposit_fen ?? '0');
    if (depositFen === 0n) {
      // A lot without a deposit: the floor bidder may bid at once.
      await this.tx.run((m) => register(m, 'held'));
    } else {
      await this.deposits.recordBankTransfer(
        { organizationId: dto.organizationId, registrationId: id, amountFen: depositFen, bankReference: dto.bankReference, actorUserId: actor.userId },
        {
          before: async (m) => {
            if ((await register(m, 'pending')) !== depositFen) throw new ConflictError('LOT_CHANGED', 'The lot\'s deposit changed while registering; try again');
          },
          after: async (m, deposit) => {
            await m.query(`UPDATE lot_registrations SET deposit_id = $2, deposit_status = 'held' WHERE id = $1`, [id, deposit.depositId]);
          },
        },
      );
    }
    return this.registrationView(id);
  }

  /** Kept in step with payments: the deposit of a registration was held, failed, released… */
  async onDepositStatus(registrationId: string, status: 'held' | 'failed' | 'released' | 'applied' | 'forfeited'): Promise<void> {
    await this.db.query(`UPDATE lot_registrations SET deposit_status = $2 WHERE id = $1`, [registrationId, status]);
  }

  async myRegistration(actor: Principal, lotId: string): Promise<RegistrationView> {
    const rows = (await this.db.query(`SELECT id FROM lot_registrations WHERE lot_id = $1 AND organization_id = $2`, [lotId, actor.organizationId])) as { id: string }[];
    if (!rows[0]) throw new NotFoundError('NOT_REGISTERED', 'Your organisation is not registered for this lot');
    return this.registrationView(rows[0].id);
  }

  private async insertRegistration(m: EntityManager, lotId: string, organizationId: string, offline: boolean, depositStatus: string, userId: string, id = newId(this.clock)): Promise<string> {
    // The lot row is locked by the caller, so paddle numbers are handed out one at a time.
    await m.query(
      `INSERT INTO lot_registrations (id, lot_id, organization_id, paddle_number, offline, deposit_status, registered_by)
       VALUES ($1, $2, $3, (SELECT COALESCE(max(paddle_number), 0) + 1 FROM lot_registrations WHERE lot_id = $2), $4, $5, $6)`,
      [id, lotId, organizationId, offline, depositStatus, userId],
    ).catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new ConflictError('ALREADY_REGISTERED', 'This organisation is already registered for this lot');
      throw err;
    });
    return id;
  }

  private async registrationView(id: string): Promise<RegistrationView> {
    const rows = (await this.db.query(
      `SELECT id, lot_id AS "lotId", organization_id AS "organizationId", paddle_number AS "paddleNumber", offline, deposit_id AS "depositId", deposit_status AS "depositStatus" FROM lot_registrations WHERE id = $1`,
      [id],
    )) as Omit<RegistrationView, 'pseudonym'>[];
    return { ...rows[0], pseudonym: bidderPseudonym(rows[0].paddleNumber) };
  }

  /** 404 LOT_NOT_FOUND unless the lot exists (a live room is joined only for a real lot). */
  async assertExists(lotId: string): Promise<void> {
    const rows = (await this.db.query(`SELECT 1 FROM lots WHERE id = $1`, [lotId])) as unknown[];
    if (!rows.length) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
  }

  async lockLot(m: EntityManager, lotId: string): Promise<LotRow> {
    const rows = (await m.query(`SELECT * FROM lots WHERE id = $1 FOR UPDATE`, [lotId])) as LotRow[];
    if (!rows[0]) throw new NotFoundError('LOT_NOT_FOUND', 'No such lot');
    return rows[0];
  }

  async viewIn(m: EntityManager, lotId: string): Promise<LotView> {
    const rows = (await m.query(
      `SELECT l.*, lr.paddle_number AS leader_paddle, wr.paddle_number AS winner_paddle FROM lots l
         LEFT JOIN lot_registrations lr ON lr.id = l.leader_registration_id
         LEFT JOIN lot_registrations wr ON wr.id = l.winner_registration_id WHERE l.id = $1`,
      [lotId],
    )) as (LotRow & { leader_paddle: number | null; winner_paddle: number | null })[];
    const l = rows[0];
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
      status: l.status === 'scheduled' && now >= l.starts_at ? 'open' : l.status,
      seq: l.seq,
      bidCount: l.bid_count,
      currentFen: l.current_fen,
      leader: l.leader_paddle === null ? null : bidderPseudonym(l.leader_paddle),
      result: l.result,
      hammerPriceFen: l.hammer_price_fen,
      winner: l.winner_paddle === null ? null : bidderPseudonym(l.winner_paddle),
      chainHead: l.chain_head,
    };
  }
}
