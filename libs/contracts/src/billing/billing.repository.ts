import { queries, type Queryable } from '@zjp/database';

/** What drives a contract's fees besides its terms: the licensee's royalty reports and the milestones reached. */
const SQL = queries(__filename, {
  organizationRegion: `SELECT id, region_code AS "regionCode" FROM organization_directory WHERE id = $1`,
  insertRoyaltyReport: `
    INSERT INTO contract_royalty_reports (contract_id, period_index, period_starts_on, period_ends_on, sales_fen, royalty_fen, reported_by, reported_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  royaltyReports: `SELECT period_index, sales_fen::text AS sales FROM contract_royalty_reports WHERE contract_id = $1`,
  insertMilestone: `INSERT INTO contract_milestones (contract_id, milestone_key, reached_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)`,
  milestones: `SELECT milestone_key, to_char(reached_on, 'YYYY-MM-DD') AS reached FROM contract_milestones WHERE contract_id = $1`,
});

export interface NewRoyaltyReport {
  contractId: string;
  periodIndex: number;
  startsOn: string;
  endsOn: string;
  salesFen: bigint;
  royaltyFen: bigint;
  reportedBy: string;
  reportedAt: Date;
}

/** A unique violation when the period was reported already. */
export async function insertRoyaltyReport(m: Queryable, r: NewRoyaltyReport): Promise<void> {
  await m.query(SQL.insertRoyaltyReport, [
    r.contractId,
    r.periodIndex,
    r.startsOn,
    r.endsOn,
    r.salesFen.toString(),
    r.royaltyFen.toString(),
    r.reportedBy,
    r.reportedAt,
  ]);
}

export async function royaltyReportsOf(m: Queryable, contractId: string): Promise<{ periodIndex: number; salesFen: bigint }[]> {
  const rows = (await m.query(SQL.royaltyReports, [contractId])) as { period_index: number; sales: string }[];
  return rows.map((r) => ({ periodIndex: r.period_index, salesFen: BigInt(r.sales) }));
}

/** A unique violation when the milestone was recorded already. */
export async function insertMilestone(m: Queryable, contractId: string, key: string, reachedOn: string, recordedBy: string, at: Date): Promise<void> {
  await m.query(SQL.insertMilestone, [contractId, key, reachedOn, recordedBy, at]);
}

/** Milestones reached, by key: the day (YYYY-MM-DD). */
export async function milestonesOf(m: Queryable, contractId: string): Promise<{ key: string; reachedOn: string }[]> {
  const rows = (await m.query(SQL.milestones, [contractId])) as { milestone_key: string; reached: string }[];
  return rows.map((r) => ({ key: r.milestone_key, reachedOn: r.reached }));
}

/** The organisation's region (organization_directory, identity's read model), for the jurisdiction check; undefined when unknown. */
export async function organizationRegion(m: Queryable, id: string): Promise<{ id: string; regionCode: string } | undefined> {
  return ((await m.query(SQL.organizationRegion, [id])) as { id: string; regionCode: string }[])[0];
}
