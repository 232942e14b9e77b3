import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { ResearchFundingFacts, SubsidySubject } from '../domain';
import { ContractFactsAdapter } from './contract-facts.adapter';
import { PartyFactsReadModel, partyOn, requireParty, type PartyRecord } from './party-facts.read-model';
import { selectFingerprints, selectFundings, type FundingRow } from './subject-facts.repository';

export type SubjectType = 'contract' | 'research_funding';

/** A subject as the engine sees it, with what the workflow needs around it. */
export interface LoadedSubject {
  type: SubjectType;
  id: string;
  subject: SubsidySubject;
  enterpriseId: string;
  enterpriseRegionCode: string;
  technicalField: string | null;
  /** What a finance office recognises it by: the contract's registration number, the funding agreement. */
  label: string;
  /** The calendar years in which the subject has something a policy could count. */
  claimYears: number[];
}

type Query = Pick<EntityManager, 'query'>;

function fundingSubject(r: FundingRow, parties: Map<string, PartyRecord>): LoadedSubject {
  const receivedOn = LocalDate.parse(r.received_on);
  const enterprise = partyOn(requireParty(parties, r.enterprise_id), receivedOn);
  const facts: ResearchFundingFacts = {
    fundingId: r.id,
    enterprise,
    platform: partyOn(requireParty(parties, r.platform_id), receivedOn),
    mode: r.mode,
    amountFen: BigInt(r.amount),
    receivedOn,
    confirmed: r.status === 'confirmed',
    documentCount: r.documents,
  };
  return {
    type: 'research_funding',
    id: r.id,
    subject: { kind: 'research_funding', facts },
    enterpriseId: r.enterprise_id,
    enterpriseRegionCode: enterprise.regionCode,
    technicalField: 'basic_research',
    label: r.agreement_number ?? `基础研究投入 ${r.received_on}`,
    claimYears: [receivedOn.year],
  };
}

/**
 * Loads subjects (contracts through the contracts adapter, research fundings from this
 * context's own table) as plain facts for the engine, many at a time.
 */
@Injectable()
export class SubjectFactsLoader {
  constructor(
    private readonly contracts: ContractFactsAdapter,
    private readonly parties: PartyFactsReadModel,
  ) {}

  async load(db: Query, type: SubjectType, id: string): Promise<LoadedSubject | null> {
    return (await this.loadMany(db, type, [id])).get(id) ?? null;
  }

  /** The subjects with these ids that exist (missing ones are absent from the map). */
  async loadMany(db: Query, type: SubjectType, ids: readonly string[]): Promise<Map<string, LoadedSubject>> {
    if (ids.length === 0) return new Map();
    return type === 'contract' ? this.contracts.loadMany(db, ids) : this.loadFundings(db, ids);
  }

  /**
   * Subjects with their facts' fingerprints: all of them, or those with the given ids; with
   * `onlyChanged`, only those whose fingerprint differs from the one their candidates were
   * computed on (or that were never computed). One query, set-wise.
   */
  async fingerprints(db: Query, type: SubjectType, options: { ids?: readonly string[]; onlyChanged: boolean }): Promise<{ id: string; fingerprint: string }[]> {
    if (options.ids?.length === 0) return [];
    return selectFingerprints(db, type, options.ids, options.onlyChanged);
  }

  private async loadFundings(db: Query, ids: readonly string[]): Promise<Map<string, LoadedSubject>> {
    const rows = await selectFundings(db, ids);
    const parties = await this.parties.loadMany(
      db,
      rows.flatMap((r) => [r.enterprise_id, r.platform_id]),
    );
    return new Map(rows.map((r) => [r.id, fundingSubject(r, parties)]));
  }
}
