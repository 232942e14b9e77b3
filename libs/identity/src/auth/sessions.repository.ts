import { queries } from '@zjp/database';
import type { EntityManager } from 'typeorm';

/** Sign-in sessions and their rotating refresh tokens (stored only as SHA-256 hashes). */
const SQL = queries(__filename, {
  insertSession: `INSERT INTO sessions (user_id, created_at, expires_at) VALUES ($1, $2, $3) RETURNING id`,
  lockByRefreshToken: `
    SELECT t.rotated_at, s.id AS session_id, s.user_id, s.expires_at, s.revoked_at
      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
     WHERE t.token_hash = $1
       FOR UPDATE OF t, s`,
  rotateRefreshToken: `UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1`,
  insertRefreshToken: `INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`,
  revokeSession: `UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL`,
  purgeEnded: `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1`,
});

type Query = Pick<EntityManager, 'query'>;

export interface RefreshTokenSession {
  rotatedAt: Date | null;
  sessionId: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function insertSession(m: Query, userId: string, createdAt: Date, expiresAt: Date): Promise<string> {
  const [{ id }] = (await m.query(SQL.insertSession, [userId, createdAt, expiresAt])) as { id: string }[];
  return id;
}

/** The refresh token and its session, both locked (FOR UPDATE); undefined for an unknown token. */
export async function lockRefreshToken(m: Query, hash: Buffer): Promise<RefreshTokenSession | undefined> {
  const [row] = (await m.query(SQL.lockByRefreshToken, [hash])) as {
    rotated_at: Date | null;
    session_id: string;
    user_id: string;
    expires_at: Date;
    revoked_at: Date | null;
  }[];
  return row && { rotatedAt: row.rotated_at, sessionId: row.session_id, userId: row.user_id, expiresAt: row.expires_at, revokedAt: row.revoked_at };
}

export async function markRefreshTokenRotated(m: Query, hash: Buffer, at: Date): Promise<void> {
  await m.query(SQL.rotateRefreshToken, [hash, at]);
}

export async function insertRefreshToken(m: Query, hash: Buffer, sessionId: string, issuedAt: Date): Promise<void> {
  await m.query(SQL.insertRefreshToken, [hash, sessionId, issuedAt]);
}

/** Revokes a session once (the first reason stays). */
export async function revokeSession(m: Query, sessionId: string, reason: string, at: Date): Promise<void> {
  await m.query(SQL.revokeSession, [sessionId, at, reason]);
}

/** Deletes the sessions (and, by cascade, their tokens) that expired or were revoked before `cutoff`; returns how many. */
export async function purgeSessionsEndedBefore(m: Query, cutoff: Date): Promise<number> {
  const result = (await m.query(SQL.purgeEnded, [cutoff])) as [unknown[], number];
  return result[1];
}
