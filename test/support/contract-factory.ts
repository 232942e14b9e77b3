import type { DataSource } from 'typeorm';
import type { Principal, Role } from '../../libs/platform/src';
import { insertEnterprise } from './market-factory';
import { insertAchievement, insertHolder } from './registry-factory';

let serial = 0;

/** A user with roles, as the services see it (a Principal). */
export async function principal(db: DataSource, organizationId: string, role: Role, organizationType: Principal['organizationType']): Promise<Principal> {
  const [row] = (await db.query(`INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, $2, $3, 'x', $4) RETURNING id`, [
    organizationId,
    `c${++serial}-${Date.now()}@contracts.example`,
    `${role}-${serial}`,
    [role],
  ])) as { id: string }[];
  return { userId: row.id, organizationId, organizationType, roles: [role], sessionId: 's' };
}

export async function insertAuthority(db: DataSource): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO organizations (type, name, region_code, authority_level) VALUES ('authority', $1, '330000', 'province') RETURNING id`,
    [`运营中心-${++serial}-${Date.now()}`],
  )) as { id: string }[];
  return row.id;
}

export interface DealSpec {
  source?: 'auction' | 'fixed_price' | 'negotiated';
  dealType?: 'transfer' | 'license' | 'equity';
  licenseType?: 'exclusive' | 'sole' | 'ordinary' | null;
  priceFen?: bigint;
  depositFen?: bigint;
  /** The listing was a forced P-2Y listing (the use-first list). */
  forced?: boolean;
  buyerSme?: boolean;
  concludedAt?: Date;
}

export interface DealFixture {
  dealId: string;
  holderId: string;
  buyerId: string;
  achievementId: string;
  listingId: string;
  lotId: string | null;
}

/** A deal as the market leaves it (an auction's with its lot and winning registration). */
export async function insertDeal(db: DataSource, spec: DealSpec = {}): Promise<DealFixture> {
  const source = spec.source ?? 'auction';
  const dealType = spec.dealType ?? 'license';
  const licenseType = dealType === 'license' ? (spec.licenseType ?? 'exclusive') : null;
  const price = spec.priceFen ?? 1_060_000n;
  const holderId = await insertHolder(db);
  const achievementId = await insertAchievement(db, holderId, { grants: [{ grantedOn: '2022-01-10' }] });
  const buyerId = await insertEnterprise(db);
  if (spec.buyerSme === false) await db.query(`UPDATE organizations SET sme = false WHERE id = $1`, [buyerId]);
  const [listing] = (await db.query(
    `INSERT INTO listings (achievement_id, holder_id, mode, forced, rule_clause, price_fen, status, deal_type, license_type) VALUES ($1, $2, $3, $4, $5, $6, 'closed', $7, $8) RETURNING id`,
    [
      achievementId,
      holderId,
      source === 'auction' ? 'auction' : source,
      spec.forced ?? false,
      spec.forced ? 'P-2Y' : null,
      price.toString(),
      dealType,
      licenseType,
    ],
  )) as { id: string }[];
  let lotId: string | null = null;
  if (source === 'auction') {
    const [lot] = (await db.query(
      `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at, status, result, hammer_price_fen, closed_at)
       VALUES ($1, $2, $3, '测试标的', $4, '{"kind":"fixed","amountFen":"10000"}', $5, now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 hour', 'closed', 'sold', $4, now()) RETURNING id`,
      [listing.id, achievementId, holderId, price.toString(), (spec.depositFen ?? 0n).toString()],
    )) as { id: string }[];
    lotId = lot.id;
    const [reg] = (await db.query(
      `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, deposit_status) VALUES ($1, $2, 1, $3) RETURNING id`,
      [lotId, buyerId, (spec.depositFen ?? 0n) > 0n ? 'held' : 'pending'],
    )) as { id: string }[];
    await db.query(`UPDATE lots SET winner_registration_id = $2 WHERE id = $1`, [lotId, reg.id]);
  }
  const [deal] = (await db.query(
    `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, license_type, price_fen, deposit_fen, concluded_at, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      lotId,
      listing.id,
      achievementId,
      holderId,
      buyerId,
      dealType,
      licenseType,
      price.toString(),
      (spec.depositFen ?? 0n).toString(),
      spec.concludedAt ?? new Date(),
      source,
    ],
  )) as { id: string }[];
  return { dealId: deal.id, holderId, buyerId, achievementId, listingId: listing.id, lotId };
}

/** The parties' administrators and members, a third party and the operator. */
export async function partiesOf(db: DataSource, f: Pick<DealFixture, 'holderId' | 'buyerId'>) {
  const stranger = await insertEnterprise(db);
  const operator = await insertAuthority(db);
  return {
    seller: await principal(db, f.holderId, 'holder_admin', 'holder'),
    sellerMember: await principal(db, f.holderId, 'holder_member', 'holder'),
    buyer: await principal(db, f.buyerId, 'enterprise_admin', 'enterprise'),
    buyerMember: await principal(db, f.buyerId, 'enterprise_member', 'enterprise'),
    stranger: await principal(db, stranger, 'enterprise_admin', 'enterprise'),
    admin: await principal(db, operator, 'platform_admin', 'authority'),
  };
}
