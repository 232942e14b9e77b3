import { Injectable } from '@nestjs/common';
import { newId } from '@zjp/core';
import { DataSource, EntityManager } from 'typeorm';
import type { LedgerLine } from './domain/deposit-rules';

export interface LedgerPosting {
  /** One per movement (e.g. `deposit:<id>:held`): posting it again is a no-op. */
  idempotencyKey: string;
  lines: LedgerLine[];
  subjectType?: string;
  subjectId?: string;
  description?: string;
  occurredAt: Date;
}

export interface LedgerEntry {
  transactionId: string;
  account: string;
  amountFen: bigint;
  idempotencyKey: string;
  subjectType: string | null;
  subjectId: string | null;
  description: string | null;
  createdAt: Date;
}

/**
 * Posts one balanced transaction inside the caller's database transaction. The lines must sum to
 * zero (checked here and again by the database at commit). Returns posted: false when a
 * transaction with this idempotency key exists already.
 */
export async function postLedgerTransaction(m: EntityManager, posting: LedgerPosting): Promise<{ transactionId: string; posted: boolean }> {
  if (posting.lines.length < 2) throw new Error(`ledger transaction ${posting.idempotencyKey} needs at least two lines`);
  const total = posting.lines.reduce((s, l) => s + l.amountFen, 0n);
  if (total !== 0n) throw new Error(`ledger transaction ${posting.idempotencyKey} does not balance (sum ${total})`);
  const existing = (await m.query(`SELECT transaction_id FROM ledger_entries WHERE idempotency_key = $1 LIMIT 1`, [posting.idempotencyKey])) as { transaction_id: string }[];
  if (existing[0]) return { transactionId: existing[0].transaction_id, posted: false };
  const transactionId = newId();
  await m.query(
    `INSERT INTO ledger_entries (transaction_id, account, amount_fen, idempotency_key, subject_type, subject_id, description, created_at)
     SELECT $1, line.account, line.amount_fen, $2, $3, $4, $5, $6
     FROM unnest($7::text[], $8::bigint[]) AS line (account, amount_fen)`,
    [
      transactionId,
      posting.idempotencyKey,
      posting.subjectType ?? null,
      posting.subjectId ?? null,
      posting.description ?? null,
      posting.occurredAt,
      posting.lines.map((l) => l.account),
      posting.lines.map((l) => l.amountFen.toString()),
    ],
  );
  return { transactionId, posted: true };
}

/** Reads of the ledger: balances are always derived from the entries, never stored. */
@Injectable()
export class LedgerService {
  constructor(private readonly db: DataSource) {}

  async balance(account: string): Promise<bigint> {
    const [row] = (await this.db.query(`SELECT coalesce(sum(amount_fen), 0)::text AS total FROM ledger_entries WHERE account = $1`, [account])) as { total: string }[];
    return BigInt(row.total);
  }

  /** Every account's balance, optionally only those starting with a prefix (e.g. `org:<id>:`). */
  async balances(prefix = ''): Promise<Record<string, bigint>> {
    const rows = (await this.db.query(
      `SELECT account, sum(amount_fen)::text AS total FROM ledger_entries WHERE starts_with(account, $1) GROUP BY account ORDER BY account`,
      [prefix],
    )) as { account: string; total: string }[];
    return Object.fromEntries(rows.map((r) => [r.account, BigInt(r.total)]));
  }

  /** Balances of the accounts one subject's movements touched (e.g. a contract: what its buyer paid, its seller is owed). */
  async subjectBalances(subjectType: string, subjectId: string): Promise<Record<string, bigint>> {
    const rows = (await this.db.query(
      `SELECT account, sum(amount_fen)::text AS total FROM ledger_entries WHERE subject_type = $1 AND subject_id = $2 GROUP BY account ORDER BY account`,
      [subjectType, subjectId],
    )) as { account: string; total: string }[];
    return Object.fromEntries(rows.map((r) => [r.account, BigInt(r.total)]));
  }

  /** The entries posted for one subject (e.g. a deposit), oldest first. */
  async entriesFor(subjectType: string, subjectId: string): Promise<LedgerEntry[]> {
    const rows = (await this.db.query(
      `SELECT transaction_id AS "transactionId", account, amount_fen::text AS "amountFen", idempotency_key AS "idempotencyKey",
              subject_type AS "subjectType", subject_id AS "subjectId", description, created_at AS "createdAt"
       FROM ledger_entries WHERE subject_type = $1 AND subject_id = $2 ORDER BY id`,
      [subjectType, subjectId],
    )) as (Omit<LedgerEntry, 'amountFen'> & { amountFen: string })[];
    return rows.map((r) => ({ ...r, amountFen: BigInt(r.amountFen) }));
  }
}
