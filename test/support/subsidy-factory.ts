import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../libs/platform/src';
import { insertAchievement, insertHolder } from './registry-factory';

let serial = 0;
const next = () => `${++serial}-${randomBytes(3).toString('hex')}`;

type Db = Pick<DataSource, 'query'>;

export async function insertAuthority(db: Db, regionCode: string, level: 'province' | 'city' | 'county'): Promise<string> {
  const [row] = (await db.query(`INSERT INTO organizations (type, name, region_code, authority_level) VALUES ('authority', $1, $2, $3) RETURNING id`, [
    `科技局-${regionCode}-${next()}`,
    regionCode,
    level,
  ])) as { id: string }[];
  return row.id;
}

export async function insertUserWithRole(db: Db, organizationId: string, role: string): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles) VALUES ($1, $2, $3, 'x', ARRAY[$4]) RETURNING id`,
    [organizationId, `u${next()}@subsidy.example`, `用户${serial}`, role],
  )) as { id: string }[];
  return row.id;
}

/** An authority administrator as services see one. */
export async function authorityAdmin(db: Db, authorityId: string): Promise<Principal> {
  return {
    userId: await insertUserWithRole(db, authorityId, 'authority_admin'),
    organizationId: authorityId,
    organizationType: 'authority',
    roles: ['authority_admin'],
    sessionId: 's',
  };
}

export async function insertSubsidyEnterprise(db: Db, regionCode = '330603', options: { sme?: boolean; creditCode?: string } = {}): Promise<Principal> {
  const [row] = (await db.query(`INSERT INTO organizations (type, name, region_code, sme, credit_code) VALUES ('enterprise', $1, $2, $3, $4) RETURNING id`, [
    `示范企业-${next()}`,
    regionCode,
    options.sme ?? true,
    options.creditCode ?? null,
  ])) as { id: string }[];
  return {
    userId: await insertUserWithRole(db, row.id, 'enterprise_admin'),
    organizationId: row.id,
    organizationType: 'enterprise',
    roles: ['enterprise_admin'],
    sessionId: 's',
  };
}

export interface ContractSpec {
  buyerId: string;
  sellerId?: string;
  type?: 'transfer' | 'license' | 'equity';
  priceFen?: bigint;
  signedOn?: string;
  registeredOn?: string | null;
  equityValuationFen?: bigint;
  /** The fee schedule (terms.fees) of a transfer or licence instead of one lump sum of the price due 30 days after signing. */
  fees?: Record<string, unknown>[];
  status?: 'signed' | 'registered' | 'in_performance' | 'completed' | 'terminated';
}

/**
 * A signed technology contract straight in the contracts tables (libs/contracts owns them; this
 * only writes the rows its lifecycle would have written), registered unless told otherwise.
 */
export async function insertRegisteredContract(db: Db, spec: ContractSpec): Promise<string> {
  const sellerId = spec.sellerId ?? (await insertHolder(db as DataSource, `高校-${next()}`));
  const achievementId = await insertAchievement(db as DataSource, sellerId);
  const type = spec.type ?? 'license';
  const price = spec.priceFen ?? 100_000_000n;
  const signedOn = spec.signedOn ?? '2026-03-01';
  const registeredOn = spec.registeredOn === undefined ? '2026-03-20' : spec.registeredOn;
  const terms =
    type === 'equity'
      ? { equity: { valuationFen: String(spec.equityValuationFen ?? price), capitalShare: '0.1', targetCompany: '示范合资公司' }, fees: [] }
      : type === 'transfer'
        ? { transfer: { object: 'patent_right' }, fees: spec.fees ?? [{ kind: 'lump_sum', amountFen: String(price), dueDays: 30 }] }
        : {
            license: { licenseType: 'exclusive', startsOn: signedOn, endsOn: '2031-12-31', territory: '中国', fieldOfUse: '纺织', sublicensing: false },
            fees: spec.fees ?? [{ kind: 'lump_sum', amountFen: String(price), dueDays: 30 }],
          };
  const sha = createHash('sha256').update(JSON.stringify(terms)).digest('hex');
  const registration = registeredOn ? `JS${String(Date.now()).slice(-8)}${String(++serial).padStart(4, '0')}` : null;
  const [row] = (await db.query(
    `INSERT INTO contracts (type, source, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256,
                            registration_number, registered_on, registry, registered_at)
     VALUES ($1, 'drafted', $2, $3, $4, '技术合同', $5, $6, $7, ($8::date)::timestamptz, $8, $9, $10, $11, CASE WHEN $10::text IS NULL THEN NULL ELSE '浙江省技术市场' END,
             CASE WHEN $11::date IS NULL THEN NULL ELSE ($11::date)::timestamptz END) RETURNING id`,
    [
      type,
      achievementId,
      sellerId,
      spec.buyerId,
      spec.status ?? (registeredOn ? 'in_performance' : 'signed'),
      JSON.stringify(terms),
      price.toString(),
      signedOn,
      sha,
      registration,
      registeredOn,
    ],
  )) as { id: string }[];
  await db.query(`INSERT INTO contract_versions (contract_id, version, terms) VALUES ($1, 1, $2)`, [row.id, JSON.stringify(terms)]);
  return row.id;
}

/** A succeeded bank-transfer payment under a contract, received on an Asia/Shanghai date. */
export async function insertContractPayment(db: Db, contractId: string, amountFen: bigint, receivedOn: string): Promise<string> {
  const [c] = (await db.query(`SELECT buyer_id, seller_id FROM contracts WHERE id = $1`, [contractId])) as { buyer_id: string; seller_id: string }[];
  const [row] = (await db.query(
    `INSERT INTO payments (organization_id, payee_organization_id, reference_type, reference_id, amount_fen, provider, provider_payment_id, status, idempotency_key, received_on, succeeded_at)
     VALUES ($1, $2, 'contract', $3, $4, 'bank_transfer', $5, 'succeeded', $5, $6, ($6::date)::timestamptz) RETURNING id`,
    [c.buyer_id, c.seller_id, contractId, amountFen.toString(), `BANK-${next()}`, receivedOn],
  )) as { id: string }[];
  return row.id;
}

export const PAYEE = { accountName: '示范企业', bankName: '中国工商银行绍兴柯桥支行', accountNumber: '1211012309200123456' };
export const ATTACHMENT = {
  kind: 'registration_certificate',
  name: '技术合同登记证明.pdf',
  contentType: 'application/pdf',
  sizeBytes: 182044,
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

/** A policy document with sensible defaults (a county's 10% on actual paid value). */
export function policyDocument(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'contract' as const,
    name: '技术交易补助',
    documentNumber: `科〔2026〕${next()}号`,
    effectiveFrom: '2026-01-01',
    effectiveTo: '2027-12-31',
    eligibility: { contractTypes: ['transfer', 'license', 'equity'] as ('transfer' | 'license' | 'equity')[], registration: { required: true } },
    rate: { kind: 'single' as const, rate: '0.1' },
    budgetFen: '1000000000',
    stacking: 'combinable' as const,
    ...overrides,
  };
}
