import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { ContractFacts } from '../domain';
import { ContractFactsReadModel, type ContractRecord, type ContractTermsRecord } from './contract-facts.read-model';
import { PartyFactsReadModel, partyOn, requireParty, type PartyRecord } from './party-facts.read-model';
import type { LoadedSubject } from './subject-facts';

export { CONTRACT_REFERENCE_TYPE } from './contract-facts.read-model';

type Query = Pick<EntityManager, 'query'>;

/** The fixed fees of the terms (lump sums, instalments, milestones); royalties are not known in advance. */
function fixedFeesOf(terms: ContractTermsRecord): bigint {
  let total = 0n;
  for (const fee of terms.fees ?? []) {
    if (fee.kind === 'lump_sum' && fee.amountFen) total += BigInt(fee.amountFen);
    for (const i of fee.instalments ?? []) total += BigInt(i.amountFen);
    for (const m of fee.milestones ?? []) total += BigInt(m.amountFen);
  }
  return total;
}

/**
 * A technology contract as ContractFacts: the parties (as of the day it took effect), 认定登记,
 * whether the deal came from 浙江拍, and every succeeded payment and refund on its Asia/Shanghai
 * date (实际成交额 by day). Pure: the records come from the read models.
 */
export function contractSubject(c: ContractRecord, parties: Map<string, PartyRecord>): LoadedSubject {
  // Party flags (high-tech status) as of signing; before signing, as of registration or today's facts.
  const asOf = c.signedOn ?? c.registeredOn ?? LocalDate.of(2000, 1, 1);
  const fixed = fixedFeesOf(c.terms);
  const contractValueFen = fixed > 0n ? fixed : c.priceFen;
  const facts: ContractFacts = {
    contractId: c.id,
    type: c.type,
    buyer: partyOn(requireParty(parties, c.buyerId), asOf),
    seller: partyOn(requireParty(parties, c.sellerId), asOf),
    signedOn: c.signedOn,
    registration: c.registrationNumber && c.registeredOn ? { number: c.registrationNumber, registeredOn: c.registeredOn } : null,
    terminated: c.status === 'terminated',
    throughPlatform: c.throughPlatform,
    contractValueFen,
    // The registration records the contract as signed: its value is the registered value.
    registeredValueFen: c.registeredOn ? contractValueFen : null,
    equityValuationFen: c.terms.equity?.valuationFen ? BigInt(c.terms.equity.valuationFen) : null,
    payments: c.payments,
  };
  const years = new Set<number>([
    ...c.payments.map((p) => p.paidOn.year),
    ...(c.signedOn ? [c.signedOn.year] : []),
    ...(c.registeredOn ? [c.registeredOn.year] : []),
  ]);
  return {
    type: 'contract',
    id: c.id,
    subject: { kind: 'contract', facts },
    enterpriseId: c.buyerId,
    enterpriseRegionCode: facts.buyer.regionCode,
    technicalField: c.technicalField,
    label: c.registrationNumber ?? `合同 ${c.id.slice(0, 8)}`,
    claimYears: [...years].sort(),
  };
}

/** Reads technology contracts as subsidy subjects, set-wise, through the contract and party read models. */
@Injectable()
export class ContractFactsAdapter {
  constructor(
    private readonly contracts: ContractFactsReadModel,
    private readonly parties: PartyFactsReadModel,
  ) {}

  async loadMany(db: Query, ids: readonly string[]): Promise<Map<string, LoadedSubject>> {
    const records = await this.contracts.loadMany(db, ids);
    const parties = await this.parties.loadMany(
      db,
      [...records.values()].flatMap((c) => [c.buyerId, c.sellerId]),
    );
    const subjects = new Map<string, LoadedSubject>();
    for (const [id, record] of records) subjects.set(id, contractSubject(record, parties));
    return subjects;
  }
}
