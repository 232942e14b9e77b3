import { queries, type Queryable } from '@zjp/database';

const SQL = queries(__filename, {
  transactionByKey: `SELECT transaction_id FROM ledger_entries WHERE idempotency_key = $1 LIMIT 1`,
  insertLines: `
    INSERT INTO ledger_entries (transaction_id, account, amount_fen, idempotency_key, subject_type, subject_id, description, created_at)
    SELECT $1, line.account, line.amount_fen, $2, $3, $4, $5, $6
    FROM unnest($7::text[], $8::bigint[]) AS line (account, amount_fen)`,
  balance: `SELECT coalesce(sum(amount_fen), 0)::text AS total FROM ledger_entries WHERE account = $1`,
  balancesByPrefix: `SELECT account, sum(amount_fen)::text AS total FROM ledger_entries WHERE starts_with(account, $1) GROUP BY account ORDER BY account`,
  subjectBalances: `SELECT account, sum(amount_fen)::text AS total FROM ledger_entries WHERE subject_type = $1 AND subject_id = $2 GROUP BY account ORDER BY account`,
  entriesFor: `
    SELECT transaction_id AS "transactionId", account, amount_fen::text AS "amountFen", idempotency_key AS "idempotencyKey",
           subject_type AS "subjectType", subject_id AS "subjectId", description, created_at AS "createdAt"
    FROM ledger_entries WHERE subject_type = $1 AND subject_id = $2 ORDER BY id`,
});

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

export interface NewLedgerTransaction {
  transactionId: string;
  idempotencyKey: string;
  subjectType: string | null;
  subjectId: string | null;
  description: string | null;
  occurredAt: Date;
  lines: { account: string; amountFen: bigint }[];
}

type Totals = { account: string; total: string }[];
const byAccount = (rows: Totals): Record<string, bigint> => Object.fromEntries(rows.map((r) => [r.account, BigInt(r.total)]));

export const ledgerRepository = {
  async transactionByKey(m: Queryable, idempotencyKey: string): Promise<string | null> {
    const rows = (await m.query(SQL.transactionByKey, [idempotencyKey])) as { transaction_id: string }[];
    return rows[0]?.transaction_id ?? null;
  },

  async insert(m: Queryable, t: NewLedgerTransaction): Promise<void> {
    await m.query(SQL.insertLines, [
      t.transactionId,
      t.idempotencyKey,
      t.subjectType,
      t.subjectId,
      t.description,
      t.occurredAt,
      t.lines.map((l) => l.account),
      t.lines.map((l) => l.amountFen.toString()),
    ]);
  },

  async balance(m: Queryable, account: string): Promise<bigint> {
    const [row] = (await m.query(SQL.balance, [account])) as { total: string }[];
    return BigInt(row.total);
  },

  async balances(m: Queryable, prefix: string): Promise<Record<string, bigint>> {
    return byAccount((await m.query(SQL.balancesByPrefix, [prefix])) as Totals);
  },

  async subjectBalances(m: Queryable, subjectType: string, subjectId: string): Promise<Record<string, bigint>> {
    return byAccount((await m.query(SQL.subjectBalances, [subjectType, subjectId])) as Totals);
  },

  async entriesFor(m: Queryable, subjectType: string, subjectId: string): Promise<LedgerEntry[]> {
    const rows = (await m.query(SQL.entriesFor, [subjectType, subjectId])) as (Omit<LedgerEntry, 'amountFen'> & { amountFen: string })[];
    return rows.map((r) => ({ ...r, amountFen: BigInt(r.amountFen) }));
  },
};
