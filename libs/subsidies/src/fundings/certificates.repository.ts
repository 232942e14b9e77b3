import { queries, type Queryable } from '@zjp/database';
import type { ReadableOrgs } from '../access';

/** 高新技术企业 certificates, which policies may require of an enterprise. */
const SQL = queries(__filename, {
  insert: `
    INSERT INTO high_tech_certificates (id, organization_id, certificate_number, issued_on, expires_on, recorded_by, recorded_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  countReadable: `
    SELECT count(*)::int AS total FROM high_tech_certificates
     WHERE ($1::uuid IS NULL OR organization_id = $1)
       AND EXISTS (SELECT 1 FROM organization_directory o WHERE o.id = organization_id AND ($2::uuid IS NULL OR o.id = $2 OR ($3::text IS NOT NULL AND o.region_code LIKE $3 || '%')))`,
  findOne: `
    SELECT id, organization_id AS "organizationId", certificate_number AS "certificateNumber", to_char(issued_on, 'YYYY-MM-DD') AS "issuedOn",
           to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn", recorded_at AS "recordedAt"
      FROM high_tech_certificates WHERE id = $1`,
  listReadable: `
    SELECT id, organization_id AS "organizationId", certificate_number AS "certificateNumber", to_char(issued_on, 'YYYY-MM-DD') AS "issuedOn",
           to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn", recorded_at AS "recordedAt"
      FROM high_tech_certificates
     WHERE ($1::uuid IS NULL OR organization_id = $1)
       AND EXISTS (SELECT 1 FROM organization_directory o WHERE o.id = organization_id AND ($2::uuid IS NULL OR o.id = $2 OR ($3::text IS NOT NULL AND o.region_code LIKE $3 || '%')))
     ORDER BY issued_on DESC, id DESC LIMIT $4 OFFSET $5`,
});

export interface CertificateRow {
  id: string;
  organizationId: string;
  certificateNumber: string;
  issuedOn: string;
  expiresOn: string;
  recordedAt: Date;
}

/** The unique index on the certificate number refuses a second record of one (the caller maps it). */
export async function insertCertificate(
  m: Queryable,
  c: { id: string; organizationId: string; certificateNumber: string; issuedOn: string; expiresOn: string; recordedBy: string; recordedAt: Date },
): Promise<void> {
  await m.query(SQL.insert, [c.id, c.organizationId, c.certificateNumber, c.issuedOn, c.expiresOn, c.recordedBy, c.recordedAt]);
}

/** One page of the certificates of organisations the reader may read, of one organisation or (null) all, newest first. */
export async function listReadableCertificates(
  m: Queryable,
  organizationId: string | null,
  readable: ReadableOrgs,
  page: { limit: number; offset: number },
): Promise<{ rows: CertificateRow[]; total: number }> {
  const params = [organizationId, readable.organizationId, readable.regionPrefix];
  const [{ total }] = (await m.query(SQL.countReadable, params)) as { total: number }[];
  return { rows: (await m.query(SQL.listReadable, [...params, page.limit, page.offset])) as CertificateRow[], total };
}

export async function findCertificate(m: Queryable, id: string): Promise<CertificateRow | undefined> {
  return ((await m.query(SQL.findOne, [id])) as CertificateRow[])[0];
}
