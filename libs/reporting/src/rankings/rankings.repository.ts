import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';
import type { HolderIndicators, HolderKind } from './domain/holder-score';

/*
 * The ranking's indicators per holder (P-MKT), computed in PostgreSQL over the owners' published
 * read models only: organization_directory (identity), listing_directory (market),
 * contract_directory (contracts), achievement_standing and transformation_directory (achievements).
 *
 * $1 region prefix (null: everywhere), $2 holder type (university / institute / enterprise_lab,
 * or platform = a high-level innovation platform of any kind; null: all), $3 / $4 the year's
 * first instant and the next year's (Asia/Shanghai), $5 / $6 its first and last day, $7 today.
 */
const SQL = queries(__filename, {
  holderIndicators: `
    WITH h AS (
      SELECT o.id, o.name, o.holder_category, o.region_code, o.high_level_platform
        FROM organization_directory o
       WHERE o.type = 'holder'
         AND ($1::text IS NULL OR o.region_code LIKE $1::text || '%')
         AND ($2::text IS NULL OR o.holder_category = $2::text OR ($2::text = 'platform' AND o.high_level_platform))
    ), l AS (
      SELECT ld.holder_id, count(*)::int AS listings
        FROM listing_directory ld JOIN h ON h.id = ld.holder_id
       WHERE ld.created_at >= $3::timestamptz AND ld.created_at < $4::timestamptz
       GROUP BY ld.holder_id
    ), c AS (
      SELECT cd.seller_id, count(*)::int AS contracts, sum(cd.price_fen)::text AS value_fen
        FROM contract_directory cd JOIN h ON h.id = cd.seller_id
       WHERE cd.took_effect_on BETWEEN $5::date AND $6::date AND cd.status <> 'terminated'
       GROUP BY cd.seller_id
    ), a AS (
      SELECT s.holder_id,
             count(*) FILTER (WHERE s.registration_status = 'registered' AND s.registered_on <= $6::date)::int AS registered,
             count(*) FILTER (
               WHERE s.registration_status = 'registered' AND s.registered_on <= $6::date
                 AND EXISTS (SELECT 1 FROM transformation_directory t
                              WHERE t.achievement_id = s.id AND t.status = 'effective' AND t.took_effect_on <= $6::date))::int AS transformed,
             count(*) FILTER (WHERE s.registration_status = 'registered' AND s.kind = 'applied')::int AS applied,
             count(*) FILTER (WHERE s.registration_status = 'registered' AND s.kind = 'applied'
                                AND s.rule_state IN ('use_first', 'free_license_eligible'))::int AS idle,
             count(*) FILTER (WHERE s.obtained_on BETWEEN $5::date AND $6::date
                                AND s.registered_on IS NOT NULL AND s.registered_on <= s.obtained_on + 30)::int AS on_time,
             count(*) FILTER (WHERE s.obtained_on BETWEEN $5::date AND $6::date
                                AND (s.registered_on > s.obtained_on + 30 OR (s.registered_on IS NULL AND $7::date > s.obtained_on + 30)))::int AS late
        FROM achievement_standing s JOIN h ON h.id = s.holder_id
       GROUP BY s.holder_id
    )
    SELECT h.id AS "holderId", h.name AS "holderName", h.holder_category AS "kind", h.region_code AS "regionCode",
           h.high_level_platform AS "highLevelPlatform",
           coalesce(l.listings, 0) AS "listings",
           coalesce(c.contracts, 0) AS "contractsInForce", coalesce(c.value_fen, '0') AS "contractValueFen",
           coalesce(a.transformed, 0) AS "transformed", coalesce(a.registered, 0) AS "registered",
           coalesce(a.idle, 0) AS "idle", coalesce(a.applied, 0) AS "applied",
           coalesce(a.on_time, 0) AS "onTime", coalesce(a.late, 0) AS "late"
      FROM h LEFT JOIN l ON l.holder_id = h.id LEFT JOIN c ON c.seller_id = h.id LEFT JOIN a ON a.holder_id = h.id
     ORDER BY h.id`,
});

export interface HolderIndicatorRow extends HolderIndicators {
  regionCode: string;
  highLevelPlatform: boolean;
}

interface Row {
  holderId: string;
  holderName: string;
  kind: HolderKind;
  regionCode: string;
  highLevelPlatform: boolean;
  listings: number;
  contractsInForce: number;
  contractValueFen: string;
  transformed: number;
  registered: number;
  idle: number;
  applied: number;
  onTime: number;
  late: number;
}

/** Every holder matching the filters with its indicators for the year (Asia/Shanghai). */
export async function holderIndicators(
  m: Pick<EntityManager, 'query'>,
  q: { regionPrefix: string | null; holderType: string | null; year: number; today: string },
): Promise<HolderIndicatorRow[]> {
  const rows = (await m.query(SQL.holderIndicators, [
    q.regionPrefix,
    q.holderType,
    `${q.year}-01-01T00:00:00+08:00`,
    `${q.year + 1}-01-01T00:00:00+08:00`,
    `${q.year}-01-01`,
    `${q.year}-12-31`,
    q.today,
  ])) as Row[];
  return rows.map((r) => ({
    holderId: r.holderId,
    holderName: r.holderName,
    kind: r.kind,
    regionCode: r.regionCode.trim(),
    highLevelPlatform: r.highLevelPlatform,
    listings: r.listings,
    contractsInForce: r.contractsInForce,
    contractValueFen: r.contractValueFen,
    transformedShare: { numerator: r.transformed, denominator: r.registered },
    useFirstShare: { numerator: r.idle, denominator: r.applied },
    registrationTimeliness: { numerator: r.onTime, denominator: r.onTime + r.late },
  }));
}
