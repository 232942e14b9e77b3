import type { DataSource } from 'typeorm';
import { insertAchievement, insertHolder } from './registry-factory';

let serial = 0;

export async function insertEnterprise(db: DataSource, name = `enterprise-${++serial}-${Date.now()}`): Promise<string> {
  const [row] = (await db.query(`INSERT INTO organizations (type, name, region_code, sme) VALUES ('enterprise', $1, '330603', true) RETURNING id`, [name])) as {
    id: string;
  }[];
  return row.id;
}

export interface LotSpec {
  startingPriceFen?: bigint;
  reservePriceFen?: bigint | null;
  incrementFen?: bigint;
  startsAt?: Date;
  endsAt?: Date;
  extensionMinutes?: number;
  extensionCapMinutes?: number | null;
  live?: boolean;
  depositFen?: bigint;
}

/** A lot straight in the database (its listing and achievement too), for engine-level tests. */
export async function insertLot(db: DataSource, spec: LotSpec = {}): Promise<string> {
  const holder = await insertHolder(db);
  const achievement = await insertAchievement(db, holder);
  const [listing] = (await db.query(
    `INSERT INTO listings (achievement_id, holder_id, mode, price_fen, status, deal_type) VALUES ($1, $2, 'auction', $3, 'active', 'transfer') RETURNING id`,
    [achievement, holder, (spec.startingPriceFen ?? 1_000_000n).toString()],
  )) as { id: string }[];
  const now = Date.now();
  const endsAt = spec.endsAt ?? new Date(now + 3_600_000);
  const [lot] = (await db.query(
    `INSERT INTO lots (listing_id, achievement_id, holder_id, title, starting_price_fen, reserve_price_fen, increment, deposit_fen, starts_at, ends_at, original_ends_at,
                       extension_minutes, extension_cap_minutes, live, status)
     VALUES ($1, $2, $3, '测试标的', $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, 'scheduled') RETURNING id`,
    [
      listing.id,
      achievement,
      holder,
      (spec.startingPriceFen ?? 1_000_000n).toString(),
      spec.reservePriceFen?.toString() ?? null,
      JSON.stringify({ kind: 'fixed', amountFen: (spec.incrementFen ?? 10_000n).toString() }),
      (spec.depositFen ?? 0n).toString(),
      spec.startsAt ?? new Date(now - 60_000),
      endsAt,
      spec.extensionMinutes ?? 5,
      spec.extensionCapMinutes ?? null,
      spec.live ?? false,
    ],
  )) as { id: string }[];
  return lot.id;
}

/** A registered bidder whose deposit is held (or as given). */
export async function insertBidder(
  db: DataSource,
  lotId: string,
  options: { depositStatus?: string; offline?: boolean } = {},
): Promise<{ organizationId: string; registrationId: string; paddle: number }> {
  const organizationId = await insertEnterprise(db);
  const [row] = (await db.query(
    `INSERT INTO lot_registrations (lot_id, organization_id, paddle_number, offline, deposit_status)
     VALUES ($1, $2, (SELECT COALESCE(max(paddle_number), 0) + 1 FROM lot_registrations WHERE lot_id = $1), $3, $4) RETURNING id, paddle_number`,
    [lotId, organizationId, options.offline ?? false, options.depositStatus ?? 'held'],
  )) as { id: string; paddle_number: number }[];
  return { organizationId, registrationId: row.id, paddle: row.paddle_number };
}
