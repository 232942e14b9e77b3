import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { ContractFacts, PaymentFact } from '../domain';
import type { ContractType } from '../domain';
import { loadParty, partyFingerprintSql, type LoadedSubject } from './subject-facts';

type Query = Pick<EntityManager, 'query'>;

/** Contract payments are recorded by libs/payments against this reference type. */
export const CONTRACT_REFERENCE_TYPE = 'contract';

interface ContractRow {
  id: string;
  type: ContractType;
  status: string;
  seller_id: string;
  buyer_id: string;
  signed_on: string | null;
  registration_number: string | null;
  registered_on: string | null;
  through_platform: boolean;
  price: string;
  terms: { fees?: { kind: string; amountFen?: string; instalments?: { amountFen: string }[]; milestones?: { amountFen: string }[] }[]; equity?: { valuationFen?: string } | null };
  technical_field: string | null;
}

/** The fixed fees of the terms (lump sums, instalments, milestones); royalties are not known in advance. */
function fixedFeesOf(terms: ContractRow['terms']): bigint {
  let total = 0n;
  for (const fee of terms.fees ?? []) {
    if (fee.kind === 'lump_sum' && fee.amountFen) total += BigInt(fee.amountFen);
    for (const i of fee.instalments ?? []) total += BigInt(i.amountFen);
    for (const m of fee.milestones ?? []) total += BigInt(m.amountFen);
  }
  return total;
}

/**
 * Reads technology contracts (libs/contracts' tables, read-only) as ContractFacts: the parties,
 * signing (the day it took effect), 认定登记, whether the deal came from 浙江拍, and every
 * succeeded payment and refund on its Asia/Shanghai date (实际成交额 by day).
 */
@Injectable()
export class ContractFactsAdapter {
  async load(db: Query, contractId: string): Promise<LoadedSubject | null> {
    const rows = (await db.query(
      `SELECT c.id, c.type, c.status, c.seller_id, c.buyer_id, to_char(c.took_effect_on, 'YYYY-MM-DD') AS signed_on,
              c.registration_number, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on, c.deal_id IS NOT NULL AS through_platform,
              c.price_fen::text AS price, c.terms, a.technical_field
       FROM contracts c JOIN achievements a ON a.id = c.achievement_id WHERE c.id = $1`,
      [contractId],
    )) as ContractRow[];
    const c = rows[0];
    if (!c) return null;
    const movements = (await db.query(
      `SELECT p.amount_fen::text AS amount, to_char(coalesce(p.received_on, (p.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date), 'YYYY-MM-DD') AS paid_on
       FROM payments p WHERE p.reference_type = $2 AND p.reference_id = $1 AND p.status = 'succeeded'
       UNION ALL
       SELECT (-r.amount_fen)::text, to_char((r.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD')
       FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = $2 AND p.reference_id = $1 AND r.status = 'succeeded'`,
      [contractId, CONTRACT_REFERENCE_TYPE],
    )) as { amount: string; paid_on: string }[];
    const payments: PaymentFact[] = movements.map((m) => ({ amountFen: BigInt(m.amount), paidOn: LocalDate.parse(m.paid_on) }));
    const signedOn = c.signed_on ? LocalDate.parse(c.signed_on) : null;
    const registeredOn = c.registered_on ? LocalDate.parse(c.registered_on) : null;
    // Party flags (high-tech status) as of signing; before signing, as of registration or today's facts.
    const asOf = signedOn ?? registeredOn ?? LocalDate.of(2000, 1, 1);
    const fixed = fixedFeesOf(c.terms);
    const contractValueFen = fixed > 0n ? fixed : BigInt(c.price);
    const facts: ContractFacts = {
      contractId: c.id,
      type: c.type,
      buyer: await loadParty(db, c.buyer_id, asOf),
      seller: await loadParty(db, c.seller_id, asOf),
      signedOn,
      registration: c.registration_number && registeredOn ? { number: c.registration_number, registeredOn } : null,
      terminated: c.status === 'terminated',
      throughPlatform: c.through_platform,
      contractValueFen,
      // The registration records the contract as signed: its value is the registered value.
      registeredValueFen: registeredOn ? contractValueFen : null,
      equityValuationFen: c.terms.equity?.valuationFen ? BigInt(c.terms.equity.valuationFen) : null,
      payments,
    };
    const years = new Set<number>([...payments.map((p) => p.paidOn.year), ...(signedOn ? [signedOn.year] : []), ...(registeredOn ? [registeredOn.year] : [])]);
    return {
      type: 'contract',
      id: c.id,
      subject: { kind: 'contract', facts },
      enterpriseId: c.buyer_id,
      enterpriseRegionCode: facts.buyer.regionCode,
      technicalField: c.technical_field,
      label: c.registration_number ?? `合同 ${c.id.slice(0, 8)}`,
      claimYears: [...years].sort(),
    };
  }

  /**
   * Registered contracts whose facts (status, signing, registration, payments, refunds, the
   * parties' flags and certificates) differ
   * from those their candidates were computed on, or that were never computed: the sweep's work.
   * A fingerprint rather than timestamps, so that nothing depends on clocks agreeing.
   */
  async fingerprints(db: Query, options: { id?: string; onlyChanged: boolean; limit: number }): Promise<{ id: string; fingerprint: string }[]> {
    return (await db.query(
      `WITH facts AS (
         SELECT c.id, md5(concat_ws('|', c.status, c.took_effect_on, c.registration_number, c.registered_on, c.price_fen, c.terms::text,
                  (SELECT string_agg(concat_ws(':', p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), ',' ORDER BY p.id)
                     FROM payments p WHERE p.reference_type = $1 AND p.reference_id = c.id),
                  (SELECT string_agg(concat_ws(':', r.id, r.status, r.amount_fen, r.succeeded_at), ',' ORDER BY r.id)
                     FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = $1 AND p.reference_id = c.id),
                  ${partyFingerprintSql('c.buyer_id')}, ${partyFingerprintSql('c.seller_id')})) AS fingerprint
         FROM contracts c WHERE c.registration_number IS NOT NULL AND ($3::uuid IS NULL OR c.id = $3))
       SELECT f.id, f.fingerprint FROM facts f
       LEFT JOIN subsidy_candidate_runs r ON r.subject_type = 'contract' AND r.subject_id = f.id
       WHERE NOT $4 OR r.fingerprint IS DISTINCT FROM f.fingerprint
       LIMIT $2`,
      [CONTRACT_REFERENCE_TYPE, options.limit, options.id ?? null, options.onlyChanged],
    )) as { id: string; fingerprint: string }[];
  }
}
