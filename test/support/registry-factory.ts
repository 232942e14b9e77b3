import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { patentCheckChar } from '../../libs/achievements/src/domain';

let serial = 0;

/** A valid invention-patent application number (type digit 1) with its check digit. */
export function inventionPatentNumber(year = 2020): string {
  const digits = `${year}1${String(++serial * 7919 + randomInt(0, 7919))
    .padStart(7, '0')
    .slice(-7)}`;
  return `ZL${digits}.${patentCheckChar(digits)}`;
}

export async function insertHolder(db: DataSource, name = `holder-${++serial}`): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO organizations (type, name, region_code, holder_category, high_level_platform) VALUES ('holder', $1, '330106', 'university', true) RETURNING id`,
    [name],
  )) as { id: string }[];
  return row.id;
}

export interface AchievementSpec {
  kind?: 'applied' | 'basic';
  status?: 'draft' | 'registered' | 'withdrawn';
  grants?: { grantedOn: string | null; status?: 'valid' | 'lapsed' | 'invalidated' }[];
  askingPriceFen?: bigint | null;
  title?: string;
}

export async function insertAchievement(db: DataSource, holderId: string, spec: AchievementSpec = {}): Promise<string> {
  const status = spec.status ?? 'registered';
  const [row] = (await db.query(
    `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on, asking_price_fen)
     VALUES ($1, $2, 'new_materials', $3, '2020-01-01', $4, $5, $6) RETURNING id`,
    [
      holderId,
      spec.title ?? `成果-${++serial}`,
      spec.kind ?? 'applied',
      status,
      status === 'draft' ? null : '2020-01-15',
      spec.askingPriceFen?.toString() ?? null,
    ],
  )) as { id: string }[];
  for (const g of spec.grants ?? []) {
    await db.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on, status) VALUES ($1, 'invention_patent', $2, $3, $4)`, [
      row.id,
      inventionPatentNumber(),
      g.grantedOn,
      g.status ?? 'valid',
    ]);
  }
  return row.id;
}

export async function insertUser(db: DataSource, organizationId: string): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, $2, 'u', 'x', '{holder_admin}') RETURNING id`,
    [organizationId, `u${++serial}-${Date.now()}@x.example`],
  )) as { id: string }[];
  return row.id;
}
