import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { ContractType, PaymentFact } from '../domain';

type Query = Pick<EntityManager, 'query'>;

/** Contract payments are recorded by libs/payments against this reference type. */
export const CONTRACT_REFERENCE_TYPE = 'contract';

/** What a technology contract contributes to its subsidy facts, as libs/contracts and libs/payments record it. */
export interface ContractRecord {
  id: string;
  type: ContractType;
  status: string;
  sellerId: string;
  buyerId: string;
  /** The day it took effect. */
  signedOn: LocalDate | null;
  registrationNumber: string | null;
  registeredOn: LocalDate | null;
  /** Concluded through 浙江拍 (from a deal). */
  throughPlatform: boolean;
  priceFen: bigint;
  terms: ContractTermsRecord;
  technicalField: string | null;
  /** Succeeded payments (each on its Asia/Shanghai date), then succeeded refunds as negative amounts. */
  payments: PaymentFact[];
}

export interface ContractTermsRecord {
  fees?: { kind: string; amountFen?: string; instalments?: { amountFen: string }[]; milestones?: { amountFen: string }[] }[];
  equity?: { valuationFen?: string } | null;
}

/**
 * Set-wise read of technology contracts with their money (libs/contracts' and libs/payments'
 * tables, read-only): one query for the contracts, one for every payment and refund under them.
 * A read model so that the owners can publish it later; the subsidies context only reads through it.
 */
export abstract class ContractFactsReadModel {
  /** The contracts with these ids (missing ones are absent from the map). */
  abstract loadMany(db: Query, ids: readonly string[]): Promise<Map<string, ContractRecord>>;

  /**
   * SQL of a relation (id, fingerprint) over registered contracts: a digest of everything their
   * subsidy facts are made of (status, signing, registration, price, terms, payments, refunds, and
   * the parties' prints from `partyPrintsSql`, a relation (id, print) narrowed by `$1` when
   * scoped). Scoped: only the contracts whose ids are in `$1::uuid[]`; otherwise all of them.
   * Set-wise (payments and refunds aggregated by contract, each party printed once).
   */
  abstract fingerprintsSql(scoped: boolean, partyPrintsSql: (idsSql: string | null) => string): string;
}

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
  terms: ContractTermsRecord;
  technical_field: string | null;
}

@Injectable()
export class SqlContractFactsReadModel extends ContractFactsReadModel {
  async loadMany(db: Query, ids: readonly string[]): Promise<Map<string, ContractRecord>> {
    const contracts = new Map<string, ContractRecord>();
    if (ids.length === 0) return contracts;
    const rows = (await db.query(
      `SELECT c.id, c.type, c.status, c.seller_id, c.buyer_id, to_char(c.took_effect_on, 'YYYY-MM-DD') AS signed_on,
              c.registration_number, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on, c.deal_id IS NOT NULL AS through_platform,
              c.price_fen::text AS price, c.terms, a.technical_field
       FROM contracts c JOIN achievement_directory a ON a.id = c.achievement_id WHERE c.id = ANY($1::uuid[])`,
      [ids],
    )) as ContractRow[];
    for (const c of rows) {
      contracts.set(c.id, {
        id: c.id,
        type: c.type,
        status: c.status,
        sellerId: c.seller_id,
        buyerId: c.buyer_id,
        signedOn: c.signed_on ? LocalDate.parse(c.signed_on) : null,
        registrationNumber: c.registration_number,
        registeredOn: c.registered_on ? LocalDate.parse(c.registered_on) : null,
        throughPlatform: c.through_platform,
        priceFen: BigInt(c.price),
        terms: c.terms,
        technicalField: c.technical_field,
        payments: [],
      });
    }
    if (contracts.size === 0) return contracts;
    const movements = (await db.query(
      `SELECT m.contract_id, m.amount, m.paid_on FROM (
         SELECT p.reference_id AS contract_id, 0 AS kind, p.created_at, p.id, p.amount_fen::text AS amount,
                to_char(coalesce(p.received_on, (p.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date), 'YYYY-MM-DD') AS paid_on
         FROM payments p WHERE p.reference_type = $2 AND p.reference_id = ANY($1::uuid[]) AND p.status = 'succeeded'
         UNION ALL
         SELECT p.reference_id, 1, r.created_at, r.id, (-r.amount_fen)::text, to_char((r.succeeded_at AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD')
         FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = $2 AND p.reference_id = ANY($1::uuid[]) AND r.status = 'succeeded'
       ) AS m ORDER BY m.kind, m.created_at, m.id`,
      [[...contracts.keys()], CONTRACT_REFERENCE_TYPE],
    )) as { contract_id: string; amount: string; paid_on: string }[];
    for (const m of movements) contracts.get(m.contract_id)?.payments.push({ amountFen: BigInt(m.amount), paidOn: LocalDate.parse(m.paid_on) });
    return contracts;
  }

  fingerprintsSql(scoped: boolean, partyPrintsSql: (idsSql: string | null) => string): string {
    const only = (column: string) => (scoped ? `AND ${column} = ANY($1::uuid[])` : '');
    const parties = partyPrintsSql(
      scoped ? `SELECT buyer_id FROM contracts WHERE id = ANY($1::uuid[]) UNION SELECT seller_id FROM contracts WHERE id = ANY($1::uuid[])` : null,
    );
    // Hashes of the columns' binary values (hash_record_extended), not of their text: turning
    // 100,000 contracts' and their payments' timestamps and terms into text took most of a second.
    // A set of rows hashes to the XOR of its rows' hashes (no order to sort by; rows have ids, so
    // none cancels another). The values are stable within a PostgreSQL major version; after an
    // upgrade that changed them, one sweep recomputes every subject, to the same candidates.
    return `WITH pay AS (
        SELECT p.reference_id AS id, bit_xor(hash_record_extended((p.id, p.status, p.amount_fen, p.received_on, p.succeeded_at), 0)) AS h
        FROM payments p WHERE p.reference_type = '${CONTRACT_REFERENCE_TYPE}' ${only('p.reference_id')} GROUP BY p.reference_id),
      ref AS (
        SELECT p.reference_id AS id, bit_xor(hash_record_extended((r.id, r.status, r.amount_fen, r.succeeded_at), 0)) AS h
        FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.reference_type = '${CONTRACT_REFERENCE_TYPE}' ${only('p.reference_id')} GROUP BY p.reference_id),
      party AS (${parties})
      SELECT c.id, hash_record_extended((c.status, c.took_effect_on, c.registration_number, c.registered_on, c.price_fen, c.terms,
               pay.h, ref.h, b.print, s.print), 0)::text AS fingerprint
      FROM contracts c
      LEFT JOIN pay ON pay.id = c.id
      LEFT JOIN ref ON ref.id = c.id
      LEFT JOIN party b ON b.id = c.buyer_id
      LEFT JOIN party s ON s.id = c.seller_id
      WHERE c.registration_number IS NOT NULL ${only('c.id')}`;
  }
}
