import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { OrgResource, Role } from '../../libs/platform/src';
import { createUser, login, type TestApi } from './api';
import { inventionPatentNumber } from './registry-factory';

/**
 * The world of the access matrix: two parallel sides, A in 浙江 绍兴 柯桥区 (330603) and B in
 * 江苏 南京 玄武区 (320102), each with a holder, an enterprise, a broker, an authority and one
 * fixture of every organisation resource; the callers are A's users, authority administrators of
 * 柯桥区, 绍兴市 and 浙江省 (all covering A, none covering B) and the platform administrator.
 */
export const REGION = { A: '330603', B: '320102' } as const;
export type Side = keyof typeof REGION;

export type Persona =
  | 'anonymous'
  | 'holder_member'
  | 'holder_admin'
  | 'enterprise_member'
  | 'enterprise_admin'
  | 'broker'
  | 'authority_county'
  | 'authority_city'
  | 'authority_province'
  | 'platform_admin';
export const PERSONAS: Persona[] = [
  'anonymous',
  'holder_member',
  'holder_admin',
  'enterprise_member',
  'enterprise_admin',
  'broker',
  'authority_county',
  'authority_city',
  'authority_province',
  'platform_admin',
];

export function roleOf(p: Persona): Role | null {
  if (p === 'anonymous') return null;
  return p.startsWith('authority_') ? 'authority_admin' : (p as Role);
}

export interface Caller {
  persona: Persona;
  token: string | null;
  organizationId: string | null;
  organizationType: 'holder' | 'enterprise' | 'broker' | 'authority' | null;
}

export interface World {
  callers: Record<Persona, Caller>;
  /** The fixture of a resource kind on a side, as seen by a caller (organisation-bound kinds depend on the caller). */
  fixture(kind: OrgResource, side: Side, caller: Caller): string;
  /** Every fixture id of side B, to look for in filtered lists. */
  sideB: Map<OrgResource, string[]>;
  /** The organisations, lots, listings, achievements and contracts of each side (for the brokers' cases). */
  sides: Record<Side, SideFacts>;
}

export interface SideFacts {
  holder: string;
  enterprise: string;
  broker: string;
  lot: string;
  listing: string;
  achievement: string;
  fixtures: Partial<Record<OrgResource, string>>;
}

type Q = Pick<DataSource, 'query'>;
const one = async (db: Q, sql: string, params: unknown[]): Promise<string> => ((await db.query(`${sql} RETURNING id`, params)) as { id: string }[])[0].id;

async function org(db: Q, type: string, name: string, region: string, extra: Record<string, unknown> = {}): Promise<string> {
  const cols = ['type', 'name', 'region_code', ...Object.keys(extra)];
  const vals = [type, name, region, ...Object.values(extra)];
  return one(db, `INSERT INTO organizations (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, vals);
}

async function side(db: Q, s: Side) {
  const region = REGION[s];
  const holder = await org(db, 'holder', `大学${s}`, region, { holder_category: 'university', high_level_platform: true });
  const enterprise = await org(db, 'enterprise', `企业${s}`, region, { sme: true });
  const broker = await org(db, 'broker', `经纪${s}`, region);
  const authority = await org(db, 'authority', `科技局${s}`, region, { authority_level: 'county' });
  const holderUser = await one(
    db,
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, $2, 'u', 'x', '{holder_admin}')`,
    [holder, `h${s}-${randomUUID()}@w.example`],
  );
  const enterpriseUser = await one(
    db,
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, $2, 'u', 'x', '{enterprise_admin}')`,
    [enterprise, `e${s}-${randomUUID()}@w.example`],
  );
  const achievement = await one(
    db,
    `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on) VALUES ($1, $2, 'new_materials', 'applied', '2020-01-01', 'draft', NULL)`,
    [holder, `成果${s}`],
  );
  const ipRight = await one(
    db,
    `INSERT INTO ip_rights (achievement_id, type, number, granted_on, status) VALUES ($1, 'invention_patent', $2, '2022-01-10', 'valid')`,
    [achievement, inventionPatentNumber()],
  );
  const justification = await one(
    db,
    `INSERT INTO justifications (achievement_id, category, explanation, ends_on, submitted_by) VALUES ($1, 'confidentiality', '保密', '2030-01-01', $2)`,
    [achievement, holderUser],
  );
  const transformation = await one(
    db,
    `INSERT INTO transformations (achievement_id, kind, source, status, description, declared_by) VALUES ($1, 'own_implementation', 'declaration', 'pending', '自行实施', $2)`,
    [achievement, holderUser],
  );
  const freeLicense = await one(
    db,
    `INSERT INTO free_license_applications (achievement_id, enterprise_id, statement, applied_by) VALUES ($1, $2, '申请', $3)`,
    [achievement, enterprise, enterpriseUser],
  );
  const listing = await one(
    db,
    `INSERT INTO listings (achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type) VALUES ($1, $2, 'fixed_price', false, 1000000, 'closed', 'license', 'exclusive')`,
    [achievement, holder],
  );
  const deal = await one(
    db,
    `INSERT INTO deals (listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source) VALUES ($1, $2, $3, $4, 'license', 'exclusive', 1000000, 0, now(), 'fixed_price')`,
    [listing, achievement, holder, enterprise],
  );
  const terms = {
    license: { licenseType: 'exclusive', startsOn: '2026-03-01', endsOn: '2031-12-31', territory: '中国', fieldOfUse: '纺织', sublicensing: false },
    fees: [{ kind: 'lump_sum', amountFen: '1000000', dueDays: 30 }],
  };
  const contract = await one(
    db,
    `INSERT INTO contracts (type, source, achievement_id, seller_id, buyer_id, title, status, terms, price_fen) VALUES ('license', 'drafted', $1, $2, $3, '技术合同', 'draft', $4, 1000000)`,
    [achievement, holder, enterprise, JSON.stringify(terms)],
  );
  await db.query(`INSERT INTO contract_versions (contract_id, version, terms) VALUES ($1, 1, $2)`, [contract, JSON.stringify(terms)]);
  const contractPayment = await one(
    db,
    `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key, received_on, succeeded_at)
     VALUES ($1, $2, 'contract', $3, 100000, 'bank_transfer', $4, 'succeeded', $4, '2026-03-05', now())`,
    [enterprise, holder, contract, `BANK-${s}-${randomUUID()}`],
  );
  const researchFunding = await one(
    db,
    `INSERT INTO research_fundings (enterprise_id, platform_id, mode, purpose, amount_fen, received_on, declared_by) VALUES ($1, $2, 'donation', '研发', 100000, '2026-01-10', $3)`,
    [enterprise, holder, enterpriseUser],
  );
  // an auction lot of the holder, and mandates (委托) of the holder and the enterprise to the side's broker
  const auctionListing = await one(
    db,
    `INSERT INTO listings (achievement_id, holder_id, mode, forced, price_fen, status, deal_type, license_type) VALUES ($1, $2, 'auction', false, 1000000, 'active', 'transfer', NULL)`,
    [achievement, holder],
  );
  const lot = await one(
    db,
    `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at, status)
     VALUES ($1, $2, $3, '标的', 1000000, '{"kind":"fixed","amountFen":"10000"}', 0, now() - interval '1 hour', now() + interval '1 day', now() + interval '1 day', 'open')`,
    [auctionListing, achievement, holder],
  );
  const mandate = (
    principal: string,
    type: string,
    user: string,
    scope: { achievements?: string[]; lots?: string[] },
    permissions: string[],
    endsOn = '2099-12-31',
  ) =>
    one(
      db,
      `INSERT INTO mandates (principal_organization_id, principal_type, broker_organization_id, achievement_ids, lot_ids, permissions, ends_on, commission_rate_bp, granted_by, granted_at)
       VALUES ($1, $2, $3, $4::uuid[], $5::uuid[], $6::text[], $7, 300, $8, now())`,
      [principal, type, broker, scope.achievements ?? [], scope.lots ?? [], permissions, endsOn, user],
    );
  const mandates = {
    holder: await mandate(holder, 'holder', holderUser, { achievements: [achievement] }, ['list']),
    enterprise: await mandate(enterprise, 'enterprise', enterpriseUser, { lots: [lot] }, ['register_and_bid']),
    // ended ones: revoked by the enterprise, lapsed for the holder
    revoked: await mandate(enterprise, 'enterprise', enterpriseUser, { lots: [lot] }, ['register_and_bid', 'negotiate']),
    lapsed: await mandate(holder, 'holder', holderUser, { achievements: [achievement] }, ['list', 'negotiate'], '2020-01-01'),
  };
  await db.query(`UPDATE mandates SET revoked_at = now(), revoked_by = $2 WHERE id = $1`, [mandates.revoked, enterpriseUser]);
  const notification = await one(db, `INSERT INTO notifications (organization_id, kind, title) VALUES ($1, 'test', '通知')`, [holder]);
  const enterpriseNotification = await one(db, `INSERT INTO notifications (organization_id, kind, title) VALUES ($1, 'test', '通知')`, [enterprise]);
  const fixtures: Partial<Record<OrgResource, string>> = {
    achievement,
    ipRight,
    justification,
    transformation,
    freeLicense,
    listing,
    deal,
    contract,
    contractPayment,
    researchFunding,
  };
  return {
    holder,
    enterprise,
    broker,
    authority,
    fixtures,
    lot,
    listing,
    achievement,
    mandates,
    notifications: { holder: notification, enterprise: enterpriseNotification },
  };
}

export async function buildWorld(api: TestApi, db: Q): Promise<World> {
  const A = await side(db, 'A');
  const B = await side(db, 'B');
  const authorities = {
    authority_county: A.authority,
    authority_city: await org(db, 'authority', '绍兴市科技局', '330600', { authority_level: 'city' }),
    authority_province: await org(db, 'authority', '浙江省科技厅', '330000', { authority_level: 'province' }),
  };
  const operator = await org(db, 'authority', '交易中心', '330000', { authority_level: 'province' });
  const plan: [Exclude<Persona, 'anonymous'>, string, Caller['organizationType']][] = [
    ['holder_member', A.holder, 'holder'],
    ['holder_admin', A.holder, 'holder'],
    ['enterprise_member', A.enterprise, 'enterprise'],
    ['enterprise_admin', A.enterprise, 'enterprise'],
    ['broker', A.broker, 'broker'],
    ['authority_county', authorities.authority_county, 'authority'],
    ['authority_city', authorities.authority_city, 'authority'],
    ['authority_province', authorities.authority_province, 'authority'],
    ['platform_admin', operator, 'authority'],
  ];
  const callers = { anonymous: { persona: 'anonymous', token: null, organizationId: null, organizationType: null } } as Record<Persona, Caller>;
  await Promise.all(
    plan.map(async ([persona, organizationId, organizationType]) => {
      const email = await createUser(api, organizationId, [roleOf(persona)!]);
      callers[persona] = { persona, token: (await login(api, email)).accessToken, organizationId, organizationType };
    }),
  );
  const sides = { A, B };
  const ownNotification = new Map<string, string>();
  for (const c of Object.values(callers)) {
    if (c.organizationId && !ownNotification.has(c.organizationId))
      ownNotification.set(
        c.organizationId,
        await one(db, `INSERT INTO notifications (organization_id, kind, title) VALUES ($1, 'test', '通知')`, [c.organizationId]),
      );
  }
  const missing = new Map<string, string>();
  const fixture = (kind: OrgResource, s: Side, caller: Caller): string => {
    const w = sides[s];
    if (kind === 'organization') {
      // the caller's own organisation, or the organisation of the same type on side B
      if (s === 'A') return caller.organizationId ?? w.holder;
      const type = caller.organizationType ?? 'holder';
      return type === 'authority' ? B.authority : B[type];
    }
    if (kind === 'notification') return s === 'A' ? (ownNotification.get(caller.organizationId ?? '') ?? A.notifications.holder) : B.notifications.holder;
    // a mandate of the caller's own organisation (the broker's: the holder's to it), or the holder's of side B
    if (kind === 'mandate') return caller.organizationType === 'enterprise' ? w.mandates.enterprise : w.mandates.holder;
    const id = w.fixtures[kind];
    if (id) return id;
    // kinds without a fixture yet: an id that exists nowhere (the request still checks the role rule)
    const key = `${kind}:${s}`;
    if (!missing.has(key)) missing.set(key, randomUUID());
    return missing.get(key)!;
  };
  const sideB = new Map<OrgResource, string[]>();
  for (const [k, v] of Object.entries(B.fixtures)) sideB.set(k as OrgResource, [v]);
  sideB.set('organization', [B.holder, B.enterprise, B.broker, B.authority]);
  sideB.set('notification', [B.notifications.holder, B.notifications.enterprise]);
  sideB.set('mandate', Object.values(B.mandates));
  return { callers, fixture, sideB, sides };
}
