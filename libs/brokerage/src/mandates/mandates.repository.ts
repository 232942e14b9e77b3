import { queries } from '@zjp/database';

type Query = { query(sql: string, params?: unknown[]): Promise<unknown> };

// status as of $today (a Shanghai date): revoked, lapsed after its end date, else active
const STATUS = (today: string) => `CASE WHEN m.revoked_at IS NOT NULL THEN 'revoked' WHEN m.ends_on < ${today}::date THEN 'lapsed' ELSE 'active' END`;
const COLUMNS = (today: string) => `
  m.id, m.principal_organization_id AS "principalOrganizationId", m.principal_type AS "principalType", p.name AS "principalName",
  m.broker_organization_id AS "brokerOrganizationId", b.name AS "brokerName", m.achievement_ids AS "achievementIds", m.lot_ids AS "lotIds",
  m.permissions, to_char(m.ends_on, 'YYYY-MM-DD') AS "endsOn", m.commission_rate_bp AS "commissionRateBp", m.commission_fixed_fen::text AS "commissionFixedFen",
  m.note, m.granted_by AS "grantedBy", m.granted_at AS "grantedAt", m.revoked_at AS "revokedAt", m.revoke_reason AS "revokeReason",
  ${STATUS(today)} AS status,
  (SELECT count(*)::int FROM mandate_actions a WHERE a.mandate_id = m.id) AS "actionCount"`;
const FROM = `FROM mandates m JOIN organization_directory p ON p.id = m.principal_organization_id JOIN organization_directory b ON b.id = m.broker_organization_id`;
// who sees which mandates: $1 'all' (the operator), else the organisation $2 as principal or broker; $3 a status or null
const VISIBLE = `($1 = 'all' OR m.principal_organization_id = $2::uuid OR m.broker_organization_id = $2::uuid) AND ($3::text IS NULL OR ${STATUS('$4')} = $3)`;

const SQL = queries(__filename, {
  insert: `
    INSERT INTO mandates (id, principal_organization_id, principal_type, broker_organization_id, achievement_ids, lot_ids, permissions, ends_on,
                          commission_rate_bp, commission_fixed_fen, note, granted_by, granted_at)
    VALUES ($1, $2, $3, $4, $5::uuid[], $6::uuid[], $7::text[], $8, $9, $10, $11, $12, $13)`,
  byId: `SELECT ${COLUMNS('$2')} ${FROM} WHERE m.id = $1`,
  list: `SELECT ${COLUMNS('$4')} ${FROM} WHERE ${VISIBLE} ORDER BY m.granted_at DESC, m.id DESC LIMIT $5 OFFSET $6`,
  count: `SELECT count(*)::int AS total FROM mandates m WHERE ${VISIBLE}`,
  revoke: `
    UPDATE mandates SET revoked_at = $2, revoked_by = $3, revoke_reason = $4
     WHERE id = $1 AND revoked_at IS NULL AND ends_on >= $5::date RETURNING id`,
  // the active mandates a broker holds from one principal, newest first
  active: `
    SELECT id, achievement_ids AS "achievementIds", lot_ids AS "lotIds", permissions, to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", revoked_at AS "revokedAt"
      FROM mandates WHERE broker_organization_id = $1 AND principal_organization_id = $2 AND revoked_at IS NULL AND ends_on >= $3::date
     ORDER BY granted_at DESC`,
  organization: `SELECT id, type, name FROM organization_directory WHERE id = $1`,
  lot: `SELECT id, achievement_id AS "achievementId", holder_id AS "holderId" FROM lot_directory WHERE id = $1`,
  listing: `
    SELECT l.achievement_id AS "achievementId", l.holder_id AS "holderId",
           COALESCE((SELECT array_agg(lt.id) FROM lot_directory lt WHERE lt.listing_id = l.id), '{}') AS "lotIds"
      FROM listing_directory l WHERE l.id = $1`,
  achievement: `SELECT id, holder_id AS "holderId" FROM achievement_directory WHERE id = $1`,
  // of the ids given, those that exist (and are the holder's, when $2 is given)
  knownAchievements: `SELECT id FROM achievement_directory WHERE id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR holder_id = $2::uuid)`,
  knownLots: `SELECT id FROM lot_directory WHERE id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR holder_id = $2::uuid)`,
  insertAction: `
    INSERT INTO mandate_actions (mandate_id, action, operation, resource_type, resource_id, achievement_id, actor_user_id, occurred_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
  actions: `
    SELECT a.id, a.action, a.operation, a.resource_type AS "resourceType", a.resource_id AS "resourceId", a.achievement_id AS "achievementId",
           ad.title AS "achievementTitle", a.actor_user_id AS "actorUserId", u.display_name AS "actorName", a.occurred_at AS "occurredAt"
      FROM mandate_actions a LEFT JOIN achievement_directory ad ON ad.id = a.achievement_id LEFT JOIN user_directory u ON u.id = a.actor_user_id
     WHERE a.mandate_id = $1 ORDER BY a.occurred_at DESC, a.id DESC LIMIT $2 OFFSET $3`,
  countActions: `SELECT count(*)::int AS total FROM mandate_actions WHERE mandate_id = $1`,
  brokers: `
    SELECT id, name, region_code AS "regionCode" FROM organization_directory WHERE type = 'broker' AND ($1::text IS NULL OR name ILIKE '%' || $1 || '%')
     ORDER BY name, id LIMIT $2 OFFSET $3`,
  countBrokers: `SELECT count(*)::int AS total FROM organization_directory WHERE type = 'broker' AND ($1::text IS NULL OR name ILIKE '%' || $1 || '%')`,
  // the broker's desk: the lots its active mandates cover (explicitly, or through an achievement)
  deskLots: `
    SELECT l.id, l.title, l.status, l.starts_at AS "startsAt", l.ends_at AS "endsAt", l.starting_price_fen::text AS "startingPriceFen",
           l.current_fen::text AS "currentFen", l.deposit_fen::text AS "depositFen", l.result, l.hammer_price_fen::text AS "hammerPriceFen",
           m.id AS "mandateId", m.principal_organization_id AS "principalOrganizationId", p.name AS "principalName", m.permissions
      FROM mandates m JOIN lot_directory l ON (l.id = ANY(m.lot_ids) OR l.achievement_id = ANY(m.achievement_ids))
      JOIN organization_directory p ON p.id = m.principal_organization_id
     WHERE m.broker_organization_id = $1 AND m.revoked_at IS NULL AND m.ends_on >= $2::date
     ORDER BY l.ends_at DESC, l.id, m.id LIMIT $3 OFFSET $4`,
  countDeskLots: `
    SELECT count(*)::int AS total FROM mandates m JOIN lot_directory l ON (l.id = ANY(m.lot_ids) OR l.achievement_id = ANY(m.achievement_ids))
     WHERE m.broker_organization_id = $1 AND m.revoked_at IS NULL AND m.ends_on >= $2::date`,
  // its principals' deals on what its mandates covered (any mandate, also ended ones: the deal stays theirs)
  deskDeals: `
    SELECT d.id, d.source, d.achievement_id AS "achievementId", ad.title AS "achievementTitle", d.price_fen::text AS "priceFen", d.concluded_at AS "concludedAt",
           d.status, m.id AS "mandateId", m.principal_organization_id AS "principalOrganizationId", p.name AS "principalName",
           CASE WHEN d.buyer_id = m.principal_organization_id THEN 'buyer' ELSE 'seller' END AS side,
           c.contract_id AS "contractId", c.commission_fen::text AS "commissionFen"
      FROM mandates m JOIN deal_directory d ON (d.buyer_id = m.principal_organization_id OR d.seller_id = m.principal_organization_id)
                                           AND (d.achievement_id = ANY(m.achievement_ids) OR d.lot_id = ANY(m.lot_ids))
      JOIN organization_directory p ON p.id = m.principal_organization_id
      LEFT JOIN achievement_directory ad ON ad.id = d.achievement_id
      LEFT JOIN commission_directory c ON c.deal_id = d.id AND c.mandate_id = m.id
     WHERE m.broker_organization_id = $1
     ORDER BY d.concluded_at DESC, d.id LIMIT $2 OFFSET $3`,
  countDeskDeals: `
    SELECT count(*)::int AS total
      FROM mandates m JOIN deal_directory d ON (d.buyer_id = m.principal_organization_id OR d.seller_id = m.principal_organization_id)
                                           AND (d.achievement_id = ANY(m.achievement_ids) OR d.lot_id = ANY(m.lot_ids))
     WHERE m.broker_organization_id = $1`,
  commissions: `
    SELECT c.contract_id AS "contractId", c.title, c.status, c.side, c.mandate_id AS "mandateId", c.principal_organization_id AS "principalOrganizationId",
           p.name AS "principalName", c.rate_bp AS "rateBp", c.fixed_fen::text AS "fixedFen", c.basis_fen::text AS "basisFen",
           c.commission_fen::text AS "commissionFen", c.recorded_at AS "recordedAt"
      FROM commission_directory c JOIN organization_directory p ON p.id = c.principal_organization_id
     WHERE c.broker_organization_id = $1 ORDER BY c.recorded_at DESC, c.contract_id LIMIT $2 OFFSET $3`,
  countCommissions: `SELECT count(*)::int AS total, COALESCE(sum(commission_fen), 0)::text AS "sumFen" FROM commission_directory WHERE broker_organization_id = $1`,
});

export interface MandateRow {
  id: string;
  principalOrganizationId: string;
  principalType: 'holder' | 'enterprise';
  principalName: string;
  brokerOrganizationId: string;
  brokerName: string;
  achievementIds: string[];
  lotIds: string[];
  permissions: ('list' | 'register_and_bid' | 'negotiate')[];
  endsOn: string;
  commissionRateBp: number | null;
  commissionFixedFen: string | null;
  note: string;
  grantedBy: string;
  grantedAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  status: 'active' | 'revoked' | 'lapsed';
  actionCount: number;
}

export interface NewMandate {
  id: string;
  principalOrganizationId: string;
  principalType: 'holder' | 'enterprise';
  brokerOrganizationId: string;
  achievementIds: readonly string[];
  lotIds: readonly string[];
  permissions: readonly string[];
  endsOn: string;
  rateBp: number | null;
  fixedFen: string | null;
  note: string;
  grantedBy: string;
  grantedAt: Date;
}

export type Visibility = { kind: 'all' } | { kind: 'organization'; organizationId: string };
const visibility = (v: Visibility) => (v.kind === 'all' ? ['all', null] : ['organization', v.organizationId]);

const rows = async <T>(m: Query, sql: string, params: unknown[]) => (await m.query(sql, params)) as T[];
const total = async (m: Query, sql: string, params: unknown[]) => (await rows<{ total: number }>(m, sql, params))[0].total;

export async function insertMandate(m: Query, n: NewMandate): Promise<void> {
  await m.query(SQL.insert, [
    n.id,
    n.principalOrganizationId,
    n.principalType,
    n.brokerOrganizationId,
    n.achievementIds,
    n.lotIds,
    n.permissions,
    n.endsOn,
    n.rateBp,
    n.fixedFen,
    n.note,
    n.grantedBy,
    n.grantedAt,
  ]);
}

export async function mandateById(m: Query, id: string, today: string): Promise<MandateRow | undefined> {
  return (await rows<MandateRow>(m, SQL.byId, [id, today]))[0];
}

export async function listMandates(m: Query, v: Visibility, status: string | null, today: string, page: { limit: number; offset: number }) {
  const params = [...visibility(v), status, today];
  return {
    items: await rows<MandateRow>(m, SQL.list, [...params, page.limit, page.offset]),
    total: await total(m, SQL.count, params),
  };
}

export async function revokeMandate(m: Query, id: string, at: Date, by: string, reason: string | null, today: string): Promise<boolean> {
  const [updated] = (await m.query(SQL.revoke, [id, at, by, reason, today])) as [{ id: string }[], number];
  return updated.length > 0;
}

export interface ActiveMandate {
  id: string;
  achievementIds: string[];
  lotIds: string[];
  permissions: ('list' | 'register_and_bid' | 'negotiate')[];
  endsOn: string;
  revokedAt: Date | null;
}

export function activeMandates(m: Query, brokerId: string, principalId: string, today: string): Promise<ActiveMandate[]> {
  return rows<ActiveMandate>(m, SQL.active, [brokerId, principalId, today]);
}

export async function organization(m: Query, id: string): Promise<{ id: string; type: string; name: string } | undefined> {
  return (await rows<{ id: string; type: string; name: string }>(m, SQL.organization, [id]))[0];
}

export async function lotFacts(m: Query, id: string) {
  return (await rows<{ id: string; achievementId: string; holderId: string }>(m, SQL.lot, [id]))[0];
}

export async function listingFacts(m: Query, id: string) {
  return (await rows<{ achievementId: string; holderId: string; lotIds: string[] }>(m, SQL.listing, [id]))[0];
}

export async function achievementFacts(m: Query, id: string) {
  return (await rows<{ id: string; holderId: string }>(m, SQL.achievement, [id]))[0];
}

export async function knownAchievements(m: Query, ids: readonly string[], holderId: string | null): Promise<Set<string>> {
  return new Set((await rows<{ id: string }>(m, SQL.knownAchievements, [ids, holderId])).map((r) => r.id));
}

export async function knownLots(m: Query, ids: readonly string[], holderId: string | null): Promise<Set<string>> {
  return new Set((await rows<{ id: string }>(m, SQL.knownLots, [ids, holderId])).map((r) => r.id));
}

export async function insertAction(
  m: Query,
  a: {
    mandateId: string;
    action: string;
    operation: string;
    resourceType: string;
    resourceId: string;
    achievementId: string | null;
    actorUserId: string;
    at: Date;
  },
): Promise<string> {
  const [row] = await rows<{ id: string }>(m, SQL.insertAction, [
    a.mandateId,
    a.action,
    a.operation,
    a.resourceType,
    a.resourceId,
    a.achievementId,
    a.actorUserId,
    a.at,
  ]);
  return row.id;
}

export interface MandateActionRow {
  id: string;
  action: string;
  operation: string;
  resourceType: string;
  resourceId: string;
  achievementId: string | null;
  achievementTitle: string | null;
  actorUserId: string;
  actorName: string | null;
  occurredAt: Date;
}

export async function listActions(m: Query, mandateId: string, page: { limit: number; offset: number }) {
  return {
    items: await rows<MandateActionRow>(m, SQL.actions, [mandateId, page.limit, page.offset]),
    total: await total(m, SQL.countActions, [mandateId]),
  };
}

export async function listBrokers(m: Query, q: string | null, page: { limit: number; offset: number }) {
  return {
    items: await rows<{ id: string; name: string; regionCode: string }>(m, SQL.brokers, [q, page.limit, page.offset]),
    total: await total(m, SQL.countBrokers, [q]),
  };
}

export interface DeskLotRow {
  id: string;
  title: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  startingPriceFen: string;
  currentFen: string | null;
  depositFen: string;
  result: string | null;
  hammerPriceFen: string | null;
  mandateId: string;
  principalOrganizationId: string;
  principalName: string;
  permissions: string[];
}

export async function deskLots(m: Query, brokerId: string, today: string, page: { limit: number; offset: number }) {
  return {
    items: await rows<DeskLotRow>(m, SQL.deskLots, [brokerId, today, page.limit, page.offset]),
    total: await total(m, SQL.countDeskLots, [brokerId, today]),
  };
}

export interface DeskDealRow {
  id: string;
  source: string;
  achievementId: string;
  achievementTitle: string | null;
  priceFen: string;
  concludedAt: Date;
  status: string;
  mandateId: string;
  principalOrganizationId: string;
  principalName: string;
  side: 'buyer' | 'seller';
  contractId: string | null;
  commissionFen: string | null;
}

export async function deskDeals(m: Query, brokerId: string, page: { limit: number; offset: number }) {
  return {
    items: await rows<DeskDealRow>(m, SQL.deskDeals, [brokerId, page.limit, page.offset]),
    total: await total(m, SQL.countDeskDeals, [brokerId]),
  };
}

export interface CommissionRow {
  contractId: string;
  title: string;
  status: string;
  side: 'buyer' | 'seller';
  mandateId: string;
  principalOrganizationId: string;
  principalName: string;
  rateBp: number | null;
  fixedFen: string | null;
  basisFen: string;
  commissionFen: string;
  recordedAt: Date;
}

export async function commissions(m: Query, brokerId: string, page: { limit: number; offset: number }) {
  const [sum] = await rows<{ total: number; sumFen: string }>(m, SQL.countCommissions, [brokerId]);
  return { items: await rows<CommissionRow>(m, SQL.commissions, [brokerId, page.limit, page.offset]), total: sum.total, sumFen: sum.sumFen };
}
