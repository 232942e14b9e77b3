import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import { ContractPaymentsService } from '@zjp/payments';
import type { EntityManager } from 'typeorm';
import type { ContractType, PaymentFact } from '../domain';
import { selectContracts } from './contract-facts.repository';

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
 * Set-wise read of technology contracts with their money: one query of the contracts context's
 * published contract_directory, and the payments context's settled movements under them (one
 * statement). The subsidies context only reads through it.
 */
export abstract class ContractFactsReadModel {
  /** The contracts with these ids (missing ones are absent from the map). */
  abstract loadMany(db: Query, ids: readonly string[]): Promise<Map<string, ContractRecord>>;
}

@Injectable()
export class SqlContractFactsReadModel extends ContractFactsReadModel {
  constructor(private readonly payments: ContractPaymentsService) {
    super();
  }

  async loadMany(db: Query, ids: readonly string[]): Promise<Map<string, ContractRecord>> {
    const contracts = new Map<string, ContractRecord>();
    if (ids.length === 0) return contracts;
    const rows = await selectContracts<ContractTermsRecord>(db, ids);
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
    // Succeeded payments, then succeeded refunds (negative), each in the order created.
    const movements = await this.payments.settledMovements(db, CONTRACT_REFERENCE_TYPE, [...contracts.keys()]);
    for (const m of movements) contracts.get(m.referenceId)?.payments.push({ amountFen: m.amountFen, paidOn: LocalDate.parse(m.on) });
    return contracts;
  }
}
