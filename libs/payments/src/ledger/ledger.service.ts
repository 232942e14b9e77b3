import { Injectable } from '@nestjs/common';
import { newId } from '@zjp/core';
import type { Queryable } from '@zjp/database';
import { DataSource } from 'typeorm';
import type { LedgerLine } from '../domain/deposit-rules';
import { ledgerRepository, type LedgerEntry } from './ledger.repository';

export interface LedgerPosting {
  /** One per movement (e.g. `deposit:<id>:held`): posting it again is a no-op. */
  idempotencyKey: string;
  lines: LedgerLine[];
  subjectType?: string;
  subjectId?: string;
  description?: string;
  occurredAt: Date;
}

export type { LedgerEntry } from './ledger.repository';

/**
 * Posts one balanced transaction inside the caller's database transaction. The lines must sum to
 * zero (checked here and again by the database at commit). Returns posted: false when a
 * transaction with this idempotency key exists already.
 */
export async function postLedgerTransaction(m: Queryable, posting: LedgerPosting): Promise<{ transactionId: string; posted: boolean }> {
  if (posting.lines.length < 2) throw new Error(`ledger transaction ${posting.idempotencyKey} needs at least two lines`);
  const total = posting.lines.reduce((s, l) => s + l.amountFen, 0n);
  if (total !== 0n) throw new Error(`ledger transaction ${posting.idempotencyKey} does not balance (sum ${total})`);
  const existing = await ledgerRepository.transactionByKey(m, posting.idempotencyKey);
  if (existing) return { transactionId: existing, posted: false };
  const transactionId = newId();
  await ledgerRepository.insert(m, {
    transactionId,
    idempotencyKey: posting.idempotencyKey,
    subjectType: posting.subjectType ?? null,
    subjectId: posting.subjectId ?? null,
    description: posting.description ?? null,
    occurredAt: posting.occurredAt,
    lines: posting.lines,
  });
  return { transactionId, posted: true };
}

/** Reads of the ledger: balances are always derived from the entries, never stored. */
@Injectable()
export class LedgerService {
  constructor(private readonly db: DataSource) {}

  balance(account: string): Promise<bigint> {
    return ledgerRepository.balance(this.db, account);
  }

  /** Every account's balance, optionally only those starting with a prefix (e.g. `org:<id>:`). */
  balances(prefix = ''): Promise<Record<string, bigint>> {
    return ledgerRepository.balances(this.db, prefix);
  }

  /** Balances of the accounts one subject's movements touched (e.g. a contract: what its buyer paid, its seller is owed). */
  subjectBalances(subjectType: string, subjectId: string): Promise<Record<string, bigint>> {
    return ledgerRepository.subjectBalances(this.db, subjectType, subjectId);
  }

  /** The entries posted for one subject (e.g. a deposit), oldest first. */
  entriesFor(subjectType: string, subjectId: string): Promise<LedgerEntry[]> {
    return ledgerRepository.entriesFor(this.db, subjectType, subjectId);
  }
}
