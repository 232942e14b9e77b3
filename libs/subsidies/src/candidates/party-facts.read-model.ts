import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import type { EntityManager } from 'typeorm';
import type { PartyFacts } from '../domain';

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

  /**
   * SQL of a relation (id, print): a 64-bit hash of the facts of each organisation that
   * eligibility reads (type, region, holder category, high-level platform, SME, its certificates),
   * for the subjects' fingerprints. `idsSql` (a subquery of organisation ids)
   * narrows it; null means every organisation.
   */
  abstract fingerprintsSql(idsSql: string | null): string;
}

@Injectable()
export class SqlPartyFactsReadModel extends PartyFactsReadModel {
  async loadMany(db: Query, organizationIds: readonly string[]): Promise<Map<string, PartyRecord>> {
    const parties = new Map<string, PartyRecord>();
    if (organizationIds.length === 0) return parties;
    const rows = (await db.query(
      `SELECT o.id, o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
              (SELECT coalesce(json_agg(json_build_array(to_char(h.issued_on, 'YYYY-MM-DD'), to_char(h.expires_on, 'YYYY-MM-DD')) ORDER BY h.issued_on, h.expires_on), '[]'::json)
               FROM high_tech_certificates h WHERE h.organization_id = o.id) AS certificates
       FROM organization_directory o WHERE o.id = ANY($1::uuid[])`,
      [[...new Set(organizationIds)]],
    )) as { id: string; type: PartyFacts['organizationType']; region_code: string; holder_category: PartyFacts['holderCategory']; high_level_platform: boolean; sme: boolean; certificates: [string, string][] }[];
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

  fingerprintsSql(idsSql: string | null): string {
    return `SELECT o.id, hash_record_extended((o.type, o.region_code, o.holder_category, o.high_level_platform, o.sme,
              (SELECT bit_xor(hash_record_extended((h.id, h.issued_on, h.expires_on), 0)) FROM high_tech_certificates h WHERE h.organization_id = o.id)), 0) AS print
            FROM organization_directory o ${idsSql ? `WHERE o.id IN (${idsSql})` : ''}`;
  }
}

/** Loads the parties of many subjects at once, failing loudly on a missing one (a foreign key makes that impossible). */
export function requireParty(parties: Map<string, PartyRecord>, id: string): PartyRecord {
  const party = parties.get(id);
  if (!party) throw new Error(`organisation ${id} is missing`);
  return party;
}
