import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, newId, NotFoundError, shanghaiDate } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { regionName } from '@zjp/identity';
import { ACCOUNTS, postLedgerTransaction } from '@zjp/payments';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';
import { authorityOf, mayReadAuthority } from '../access';
import {
  authorityRegion,
  findBatchRow,
  insertBatch,
  listBatchRows,
  lockBatch,
  lockBatchedApplications,
  markApplicationsPaid,
  markBatchPaid,
  markExported,
  movePolicyReservedToPaid,
  organizationName,
  settlementLineRows,
  takeApplications,
  type BatchRow,
} from './batches.repository';
import { settlementCsv, settlementXlsx, type SettlementLine } from './settlement-export';

/** What the API answers: the repository's row as it is. */
export type BatchView = BatchRow;

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
      await insertBatch(m, { id: batchId, authorityId: authority.id, number, note: note ?? null, createdBy: actor.userId, at: now });
      // Conditional: only approved applications of this authority, not in another batch, are taken.
      const takenIds = new Set(await takeApplications(m, batchId, ids, authority.id));
      const refused = ids.filter((i) => !takenIds.has(i));
      if (refused.length)
        throw new ConflictError('APPLICATION_NOT_BATCHABLE', 'Only approved applications of your authority that are in no other batch can be batched', {
          applicationIds: refused,
        });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'subsidy_batch.created',
        subjectType: 'subsidy_batch',
        subjectId: batchId,
        data: { number, applicationIds: ids },
        occurredAt: now,
      });
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
        await markExported(m, id, actor.userId, now);
        await recordAudit(m, {
          actorUserId: actor.userId,
          actorOrganizationId: actor.organizationId,
          action: 'subsidy_batch.exported',
          subjectType: 'subsidy_batch',
          subjectId: id,
          data: { format },
          occurredAt: now,
        });
      }
      const authorityName = await organizationName(m, b.authority_id);
      return { batch: b, lines: await this.lines(m, id, b.number), authorityName };
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
      const apps = await lockBatchedApplications(m, id);
      const byPolicy = new Map<string, bigint>();
      for (const a of apps) byPolicy.set(a.policy_id, (byPolicy.get(a.policy_id) ?? 0n) + BigInt(a.amount));
      for (const [policyId, amount] of [...byPolicy.entries()].sort()) {
        await movePolicyReservedToPaid(m, policyId, amount, now);
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
      await markApplicationsPaid(m, id, now);
      try {
        await markBatchPaid(m, id, actor.userId, now, paidOn, paymentReference);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('PAYMENT_REFERENCE_USED', 'This payment reference was already used for another batch');
        throw err;
      }
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'subsidy_batch.paid',
        subjectType: 'subsidy_batch',
        subjectId: id,
        data: { paymentReference, paidOn, applications: apps.length },
        occurredAt: now,
      });
    });
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<BatchView> {
    const batch = await findBatchRow(this.db, id);
    if (!batch) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    const authority = await authorityRegion(this.db, batch.authorityId);
    if (!(await mayReadAuthority(this.db, actor, authority))) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    return batch;
  }

  async list(actor: Principal, query: { limit: number; offset: number; status?: string }): Promise<PageOf<BatchView>> {
    const page = { limit: query.limit, offset: query.offset };
    const authorityId = actor.roles.includes('platform_admin') ? null : (await authorityOf(this.db, actor)).id;
    const { rows, total } = await listBatchRows(this.db, { authorityId, status: query.status ?? null }, page);
    return { items: rows, total, ...page };
  }

  private async lines(m: EntityManager, batchId: string, batchNumber: string): Promise<SettlementLine[]> {
    const rows = await settlementLineRows(m, batchId);
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
    const row = await lockBatch(m, id);
    if (!row) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch');
    return row;
  }

  private async assertOwn(actor: Principal, authorityId: string): Promise<void> {
    const authority = await authorityOf(this.db, actor);
    if (authority.id !== authorityId) throw new NotFoundError('BATCH_NOT_FOUND', 'No such settlement batch of your authority');
  }
}
