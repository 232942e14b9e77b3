import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { PartyFacts } from '../domain';
import { selectParties } from './party-facts.repository';

type Query = Pick<EntityManager, 'query'>;

/** An organisation as eligibility reads it, with every 高新技术企业 certificate it holds (any date). */
export interface PartyRecord {
  organizationId: string;
  organizationType: PartyFacts['organizationType'];
  regionCode: string;
  holderCategory: PartyFacts['holderCategory'];
  highLevelPlatform: boolean;
  sme: boolean;
  certificates: { issuedOn: LocalDate; expiresOn: LocalDate }[];
}

/** The party on a date: 高新技术企业 when a certificate is valid that day (issued on or before, expiring on or after). */
export function partyOn(party: PartyRecord, on: LocalDate): PartyFacts {
  return {
    organizationId: party.organizationId,
    organizationType: party.organizationType,
    regionCode: party.regionCode,
    holderCategory: party.holderCategory,
    highLevelPlatform: party.highLevelPlatform,
    sme: party.sme,
    highTech: party.certificates.some((c) => !c.issuedOn.isAfter(on) && !c.expiresOn.isBefore(on)),
  };
}

/**
 * Set-wise read of the parties to subsidised subjects: organisations (identity's published organization_directory) and their
 * 高新技术企业 certificates. A read model so that its owner can publish it later; the subsidies
 * context only reads through it.
 */
export abstract class PartyFactsReadModel {
  /** The organisations with these ids (missing ones are absent from the map). */
  abstract loadMany(db: Query, organizationIds: readonly string[]): Promise<Map<string, PartyRecord>>;
}

@Injectable()
export class SqlPartyFactsReadModel extends PartyFactsReadModel {
  async loadMany(db: Query, organizationIds: readonly string[]): Promise<Map<string, PartyRecord>> {
    const parties = new Map<string, PartyRecord>();
    if (organizationIds.length === 0) return parties;
    const rows = await selectParties(db, [...new Set(organizationIds)]);
    for (const r of rows) {
      parties.set(r.id, {
        organizationId: r.id,
        organizationType: r.type,
        regionCode: r.region_code,
        holderCategory: r.holder_category,
        highLevelPlatform: r.high_level_platform,
        sme: r.sme,
        certificates: r.certificates.map(([issued, expires]) => ({ issuedOn: LocalDate.parse(issued), expiresOn: LocalDate.parse(expires) })),
      });
    }
    return parties;
  }
}

/** Loads the parties of many subjects at once, failing loudly on a missing one (a foreign key makes that impossible). */
export function requireParty(parties: Map<string, PartyRecord>, id: string): PartyRecord {
  const party = parties.get(id);
  if (!party) throw new Error(`organisation ${id} is missing`);
  return party;
}
