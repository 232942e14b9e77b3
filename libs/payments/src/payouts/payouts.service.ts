import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, ForbiddenError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { ACCOUNTS } from '../domain/deposit-rules';
import { postLedgerTransaction } from '../ledger/ledger.service';

export interface Payout {
  id: string;
  organizationId: string;
  amountFen: bigint;
  bankReference: string;
  paidOn: string;
  note: string | null;
  idempotencyKey: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface PayoutInput {
  organizationId: string;
  amountFen: bigint;
  bankReference: string;
  paidOn: string;
  note?: string | null;
  idempotencyKey: string;
}

/** What an organisation may be paid out now, and why. */
export interface PayoutAvailability {
  organizationId: string;
  /** The balance of its contract_proceeds account (buyers' payments less refunds and payouts). */
  proceedsFen: bigint;
  /** Refunds of payments to it that Stripe has not answered yet: they will draw on the proceeds. */
  pendingRefundsFen: bigint;
  availableFen: bigint;
  paidOutFen: bigint;
}

const COLUMNS = `id, organization_id AS "organizationId", amount_fen::text AS "amountFen", bank_reference AS "bankReference",
  to_char(paid_on, 'YYYY-MM-DD') AS "paidOn", note, idempotency_key AS "idempotencyKey", created_by AS "createdBy", created_at AS "createdAt"`;
type PayoutRow = Omit<Payout, 'amountFen'> & { amountFen: string };
const toPayout = (r: PayoutRow): Payout => ({ ...r, amountFen: BigInt(r.amountFen) });

const canSeeAll = (actor: Principal) => actor.roles.includes('platform_admin');

/**
 * Payouts to sellers. Buyers pay the platform (Stripe, bank transfer, an applied deposit); the
 * platform holds the money on the seller's `contract_proceeds` account, and an administrator pays
 * it out by bank transfer and records it here. A payout never exceeds what is available (the
 * proceeds less refunds still in flight), checked under a per-organisation lock so that two
 * administrators cannot pay the same money twice; each payout is one ledger transaction
 * (contract_proceeds → paid_out) and is recorded once per idempotency key and bank reference.
 */
@Injectable()
export class PayoutsService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(actor: Principal, input: PayoutInput): Promise<{ payout: Payout; created: boolean }> {
    const bankReference = input.bankReference.trim();
    const errors = [];
    if (input.amountFen <= 0n) errors.push({ field: 'amountFen', code: 'min', message: 'amountFen must be positive' });
    if (bankReference.length < 1) errors.push({ field: 'bankReference', code: 'length', message: 'bankReference must not be blank' });
    if (LocalDate.parse(input.paidOn).isAfter(todayInShanghai(this.clock))) errors.push({ field: 'paidOn', code: 'inFuture', message: 'paidOn cannot be in the future' });
    if (errors.length) throw new ValidationError(errors);
    return this.tx
      .run(async (m) => {
        await this.requireOrganization(m, input.organizationId);
        // One payout at a time per organisation: the availability read and the posting are one step.
        await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('payout:' || $1, 0))`, [input.organizationId]);
        const same = (await m.query(`SELECT ${COLUMNS} FROM payouts WHERE idempotency_key = $1`, [input.idempotencyKey])) as PayoutRow[];
        if (same[0]) {
          const p = toPayout(same[0]);
          if (p.organizationId !== input.organizationId || p.amountFen !== input.amountFen || p.bankReference !== bankReference) {
            throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another payout', { payoutId: p.id });
          }
          return { payout: p, created: false };
        }
        const used = (await m.query(`SELECT id FROM payouts WHERE bank_reference = $1`, [bankReference])) as { id: string }[];
        if (used[0]) throw new ConflictError('BANK_REFERENCE_USED', 'This bank transfer already backs another payout', { bankReference, payoutId: used[0].id });
        const available = await this.available(m, input.organizationId);
        if (input.amountFen > available.availableFen) {
          throw new ConflictError('PAYOUT_EXCEEDS_AVAILABLE', `At most ${available.availableFen} fen can be paid out to this organisation now`, {
            availableFen: available.availableFen.toString(),
            proceedsFen: available.proceedsFen.toString(),
            pendingRefundsFen: available.pendingRefundsFen.toString(),
          });
        }
        const now = this.clock.now();
        const [row] = (await m.query(
          `INSERT INTO payouts (id, organization_id, amount_fen, bank_reference, paid_on, note, idempotency_key, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
          [newId(this.clock), input.organizationId, input.amountFen.toString(), bankReference, input.paidOn, input.note ?? null, input.idempotencyKey, actor.userId, now],
        )) as PayoutRow[];
        const payout = toPayout(row);
        await postLedgerTransaction(m, {
          idempotencyKey: `payout:${payout.id}`,
          lines: [
            { account: ACCOUNTS.orgContractProceeds(payout.organizationId), amountFen: -payout.amountFen },
            { account: ACCOUNTS.orgPaidOut(payout.organizationId), amountFen: payout.amountFen },
          ],
          subjectType: 'payout',
          subjectId: payout.id,
          description: `payout by bank transfer ${bankReference}`,
          occurredAt: now,
        });
        await recordAudit(m, {
          actorUserId: actor.userId,
          actorOrganizationId: actor.organizationId,
          action: 'payout.recorded',
          subjectType: 'payout',
          subjectId: payout.id,
          data: { organizationId: payout.organizationId, amountFen: payout.amountFen.toString(), bankReference, paidOn: payout.paidOn },
          occurredAt: now,
        });
        return { payout, created: true };
      })
      .catch((err: unknown) => {
        // Two first requests with one key or one bank reference: the loser of the race sees the winner's row.
        if (isUniqueViolation(err)) throw new ConflictError('PAYOUT_DUPLICATE', 'A payout with this idempotency key or bank reference was recorded at the same moment; retry to see it', { bankReference });
        throw err;
      });
  }

  /** What an organisation may be paid out, and its payouts, newest first: its own users, and platform administrators. */
  async overview(actor: Principal, organizationId: string, page: { limit: number; offset?: number }): Promise<PayoutAvailability & { items: Payout[]; total: number }> {
    if (!canSeeAll(actor) && actor.organizationId !== organizationId) throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only see your own organisation's payouts");
    await this.requireOrganization(this.db.manager, organizationId);
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM payouts WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, [organizationId, page.limit, page.offset ?? 0])) as PayoutRow[];
    const [count] = (await this.db.query(`SELECT count(*)::int AS n FROM payouts WHERE organization_id = $1`, [organizationId])) as { n: number }[];
    return { ...(await this.available(this.db.manager, organizationId)), items: rows.map(toPayout), total: count.n };
  }

  private async requireOrganization(m: EntityManager, organizationId: string): Promise<void> {
    const rows = (await m.query(`SELECT 1 FROM organization_directory WHERE id = $1`, [organizationId])) as unknown[];
    if (!rows.length) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
  }

  private async available(m: EntityManager, organizationId: string): Promise<PayoutAvailability> {
    const [row] = (await m.query(
      `SELECT (SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE account = $1)::text AS proceeds,
              (SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE account = $2)::text AS paid_out,
              (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
                WHERE p.payee_organization_id = $3 AND r.status = 'pending')::text AS pending_refunds`,
      [ACCOUNTS.orgContractProceeds(organizationId), ACCOUNTS.orgPaidOut(organizationId), organizationId],
    )) as { proceeds: string; paid_out: string; pending_refunds: string }[];
    const proceedsFen = BigInt(row.proceeds);
    const pendingRefundsFen = BigInt(row.pending_refunds);
    const left = proceedsFen - pendingRefundsFen;
    return { organizationId, proceedsFen, pendingRefundsFen, availableFen: left > 0n ? left : 0n, paidOutFen: BigInt(row.paid_out) };
  }
}
