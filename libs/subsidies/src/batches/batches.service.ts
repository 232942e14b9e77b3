import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError, shanghaiDate } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { regionName } from '@zjp/identity';
import { ACCOUNTS, postLedgerTransaction } from '@zjp/payments';
import type { Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { authorityOf, mayReadAuthority } from '../access';
import type { SubsidyExplanation } from '../domain';
import { updateReturning } from '../sql';
import { settlementCsv, settlementXlsx, type SettlementLine } from './settlement-export';

export interface BatchView {
  id: string;
  number: string;
  authorityId: string;
  status: 'open' | 'exported' | 'paid';
  note: string | null;
  applications: number;
  totalFen: string;
  applicationIds: string[];
  createdBy: string | null;
  createdAt: Date;
  exportedAt: Date | null;
  paidAt: Date | null;
  paidOn: string | null;
  paymentReference: string | null;
}

export interface BatchFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

/**
 * Settlement: an administrator groups approved applications of their authority into a batch,
 * exports it for the finance office (CSV, XLSX; exporting freezes the batch), and marks it paid
 * with the bank's reference, which moves the reserved budget to paid and writes the payouts to
 * the ledger (idempotent per application).
 */
@Injectable()
export class SettlementBatchesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(actor: Principal, applicationIds: string[], note?: string): Promise<BatchView> {
    const authority = await authorityOf(this.db, actor);
    const ids = [...new Set(applicationIds.map((i) => i.toLowerCase()))];
    const id = await this.tx.run(async (m) => {
      const batchId = newId(this.clock);
      const now = this.clock.now();
      const number = `SB-${authority.regionCode}-${shanghaiDate(now).toString().replace(/-/g, '')}-${batchId.slice(-6).toUpperCase()}`;
      await m.query(`INSERT INTO subsidy_batches (id, authority_id, number, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [batchId, authority.id, number, note ?? null, actor.userId, now]);
      // Conditional: only approved applications of this authority, not in another batch, are taken.
      const taken = await updateReturning<{ id: string }>(
        m,
        `UPDATE subsidy_applications SET status = 'batched', batch_id = $1 WHERE id = ANY($2::uuid[]) AND status = 'approved' AND batch_id IS NULL AND authority_id = $3 RETURNING id`,
        [batchId, ids, authority.id],
      );
      const takenIds = new Set(taken.map((r) => r.id));
      const refused = ids.filter((i) => !takenIds.has(i));
      if (refused.length) throw new ConflictError('APPLICATION_NOT_BATCHABLE', 'Only approved applications of your authority that are in no other batch can be batched', { applicationIds: refused });
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_batch.created', subjectType: 'subsidy_batch', subjectId: batchId, data: { number, applicationIds: ids }, occurredAt: now });
      return batchId;
    });
    return this.get(actor, id);
  }

  /** The batch as a file; the first export freezes the batch (status exported). */
  async export(actor: Principal, id: string, format: 'csv' | 'xlsx'): Promise<BatchFile> {
    const { batch, lines, authorityName } = await this.tx.run(async (m) => {
      const b = await this.lock(m, id);
      await this.assertOwn(actor, b.authority_id);
      const now = this.clock.now();
      if (b.status === 'open') {
        await m.query(`UPDATE subsidy_batches SET status = 'exported', exported_by = $2, exported_at = $3 WHERE id = $1`, [id, actor.userId, now]);
        await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_batch.exported', subjectType: 'subsidy_batch', subjectId: id, data: { format }, occurredAt: now });
      }
      const [org] = (await m.query(`SELECT name FROM organization_directory WHERE id = $1`, [b.authority_id])) as { name: string }[];
      return { batch: b, lines: await this.lines(m, id, b.number), authorityName: org.name };
    });
    const base = `subsidy-batch-${batch.number}`;
    if (format === 'csv') return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: settlementCsv(lines) };
    return {
      filename: `${base}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: await settlementXlsx(lines, { batchNumber: batch.number, authorityName, status: batch.status }),
    };
  }

  /**
   * Marks an exported batch paid. Repeating the call with the same reference returns the batch
   * (the ledger's idempotency keys make a replay post nothing); another reference is refused.
   */
  async markPaid(actor: Principal, id: string, paymentReference: string, paidOn: string): Promise<BatchView> {
    await this.tx.run(async (m) => {
      const b = await this.lock(m, id);
      await this.assertOwn(actor, b.authority_id);
      if (b.status === 'paid') {
        if (b.payment_reference === paymentReference) return;
        throw new ConflictError('BATCH_ALREADY_PAID', `This batch was paid with reference ${b.payment_reference}`);
      }
      if (b.status !== 'exported') throw new ConflictError('BATCH_NOT_EXPORTED', 'Export the batch for the finance office before marking it paid');
      const now = this.clock.now();
      const apps = (await m.query(
        `SELECT id, policy_id, enterprise_id, authority_id, approved_fen::text AS amount FROM subsidy_applications WHERE batch_id = $1 AND status = 'batched' ORDER BY id FOR UPDATE`,
        [id],
      )) as { id: string; policy_id: string; enterprise_id: string; authority_id: string; amount: string }[];
      const byPolicy = new Map<string, bigint>();
      for (const a of apps) byPolicy.set(a.policy_id, (byPolicy.get(a.policy_id) ?? 0n) + BigInt(a.amount));
      for (const [policyId, amount] of [...byPolicy.entries()].sort()) {
        await m.query(`UPDATE subsidy_policies SET reserved_fen = reserved_fen - $2, paid_fen = paid_fen + $2, updated_at = $3 WHERE id = $1`, [policyId, amount.toString(), now]);
      }
      for (const a of apps) {
        // Invariant 5: every payout is in the ledger, once (the key is the application's).
        await postLedgerTransaction(m, {
          idempotencyKey: `subsidy:${a.id}:paid`,
          lines: [
            { account: ACCOUNTS.orgSubsidiesPaid(a.authority_id), amountFen: -BigInt(a.amount) },
            { account: ACCOUNTS.orgSubsidiesReceived(a.enterprise_id), amountFen: BigInt(a.amount) },
          ],
          subjectType: 'subsidy_application',
          subjectId: a.id,
          description: `补助发放 ${b.number} ${paymentReference}`,
          occurredAt: now,
        });
      }
      await m.query(`UPDATE subsidy_applications SET status = 'paid', paid_at = $2 WHERE batch_id = $1 AND status = 'batched'`, [id, now]);
      try {
        await m.query(`UPDATE subsidy_batches SET status = 'paid', paid_by = $2, paid_at = $3, paid_on = $4, payment_reference = $5 WHERE id = $1`, [id, actor.userId, now, paidOn, paymentReference]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('PAYMENT_REFERENCE_USED', 'This payment reference was already used for another batch');
        throw err;
      }
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'subsidy_batch.paid', subjectType: 'subsidy_batch', subjectId: id, data: { paymentReference, paidOn, applications: apps.length }, occurredAt: now });
    });
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<BatchView> {
    const rows = await this.views(`b.id = $1`, [id]);
    if (!rows[0]) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    const [authority] = (await this.db.query(`SELECT id, region_code AS "regionCode" FROM organization_directory WHERE id = $1`, [rows[0].authorityId])) as { id: string; regionCode: string }[];
    if (!(await mayReadAuthority(this.db, actor, authority))) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    return rows[0];
  }

  async list(actor: Principal): Promise<BatchView[]> {
    if (actor.roles.includes('platform_admin')) return this.views('TRUE', []);
    const authority = await authorityOf(this.db, actor);
    return this.views(`b.authority_id = $1`, [authority.id]);
  }

  private async views(where: string, params: unknown[]): Promise<BatchView[]> {
    return (await this.db.query(
      `SELECT b.id, b.number, b.authority_id AS "authorityId", b.status, b.note, count(a.id)::int AS applications, coalesce(sum(a.approved_fen), 0)::text AS "totalFen",
              coalesce(array_agg(a.id ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS "applicationIds",
              b.created_by AS "createdBy", b.created_at AS "createdAt", b.exported_at AS "exportedAt", b.paid_at AS "paidAt",
              to_char(b.paid_on, 'YYYY-MM-DD') AS "paidOn", b.payment_reference AS "paymentReference"
       FROM subsidy_batches b LEFT JOIN subsidy_applications a ON a.batch_id = b.id
       WHERE ${where} GROUP BY b.id ORDER BY b.created_at DESC LIMIT 200`,
      params,
    )) as BatchView[];
  }

  private async lines(m: EntityManager, batchId: string, batchNumber: string): Promise<SettlementLine[]> {
    const rows = (await m.query(
      `SELECT a.id, e.name AS enterprise_name, e.credit_code, a.enterprise_region_code, a.payee, v.name AS policy_name, p.document_number, a.subject_label, a.year,
              a.approved_fen::text AS amount, a.approval_explanation, r.display_name AS reviewer, d.display_name AS approver, a.decided_at
       FROM subsidy_applications a
       JOIN organization_directory e ON e.id = a.enterprise_id
       JOIN subsidy_policies p ON p.id = a.policy_id
       JOIN subsidy_policy_versions v ON v.policy_id = p.id AND v.version = a.policy_version
       LEFT JOIN user_directory r ON r.id = a.reviewed_by
       LEFT JOIN user_directory d ON d.id = a.decided_by
       WHERE a.batch_id = $1 ORDER BY e.name, a.id`,
      [batchId],
    )) as {
      id: string; enterprise_name: string; credit_code: string | null; enterprise_region_code: string; payee: { accountName: string; bankName: string; accountNumber: string };
      policy_name: string; document_number: string; subject_label: string | null; year: number; amount: string; approval_explanation: SubsidyExplanation; reviewer: string | null; approver: string | null; decided_at: Date;
    }[];
    return rows.map((r) => ({
      batchNumber,
      applicationId: r.id,
      enterpriseName: r.enterprise_name,
      creditCode: r.credit_code,
      regionCode: r.enterprise_region_code,
      regionName: regionName(r.enterprise_region_code) ?? null,
      payeeAccountName: r.payee.accountName,
      payeeBank: r.payee.bankName,
      payeeAccountNumber: r.payee.accountNumber,
      policyName: r.policy_name,
      documentNumber: r.document_number,
      subject: r.subject_label ?? '',
      year: r.year,
      baseFen: BigInt(r.approval_explanation.base.fen),
      amountFen: BigInt(r.amount),
      reviewer: r.reviewer ?? '',
      approver: r.approver ?? '',
      approvedOn: shanghaiDate(r.decided_at).toString(),
    }));
  }

  private async lock(m: EntityManager, id: string) {
    const rows = (await m.query(`SELECT id, authority_id, number, status, payment_reference FROM subsidy_batches WHERE id = $1 FOR UPDATE`, [id])) as {
      id: string; authority_id: string; number: string; status: 'open' | 'exported' | 'paid'; payment_reference: string | null;
    }[];
    if (!rows[0]) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    return rows[0];
  }

  private async assertOwn(actor: Principal, authorityId: string): Promise<void> {
    const authority = await authorityOf(this.db, actor);
    if (authority.id !== authorityId) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch of your authority');
  }
}

