/**
 * Connect sessions and the idempotency records of their completions. A session is completed at
 * most once: a completion first claims it (one open claim per session, enforced by a partial unique
 * index), works without holding the database, then records its answer and closes the session in
 * one statement. Every instance on the same PostgreSQL sees the same claims.
 */
import type { Queryable } from '../db/database';
import type { ConnectSession } from '../model';
import type { StripeMode } from '../stripe-gateway';

interface SessionRow {
  id: string;
  workspace_id: string;
  user_id: string;
  state: string;
  redirect_uri: string;
  integration_id: string | null;
  stripe_mode: StripeMode;
  expires_at: Date;
  closed_at: Date | null;
  exchange_started_at: Date | null;
}

const fromRow = (row: SessionRow): ConnectSession => ({
  id: row.id,
  workspaceId: row.workspace_id,
  userId: row.user_id,
  state: row.state,
  redirectUri: row.redirect_uri,
  integrationId: row.integration_id,
  stripeMode: row.stripe_mode,
  expiresAt: new Date(row.expires_at).toISOString(),
  closed: row.closed_at !== null,
  exchangeStarted: row.exchange_started_at !== null,
});

export async function createSession(db: Queryable, session: ConnectSession & { createdAt: string }): Promise<void> {
  await db.query(
    `INSERT INTO connect_sessions (id, workspace_id, user_id, state, redirect_uri, integration_id, stripe_mode, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      session.id,
      session.workspaceId,
      session.userId,
      session.state,
      session.redirectUri,
      session.integrationId,
      session.stripeMode,
      session.createdAt,
      session.expiresAt,
    ],
  );
}

/** Marks the session's code as sent to Stripe: true the first time only. */
export async function startExchange(db: Queryable, sessionId: string, at: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE connect_sessions SET exchange_started_at = $2 WHERE id = $1 AND exchange_started_at IS NULL RETURNING 1',
    [sessionId, at],
  );
  return rows.length > 0;
}

/** Forgets sessions and answers a day past their use, so the tables do not grow without bound. */
export async function purgeOld(db: Queryable, horizon: string): Promise<void> {
  await db.query('DELETE FROM connect_sessions WHERE expires_at < $1', [horizon]);
  await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [horizon]);
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Claim =
  /** Claimed; with the caller's session as it stands (null: there is none). */
  | { kind: 'claimed'; session: ConnectSession | null }
  /** This key's request finished before: replay its answer. */
  | { kind: 'replay'; sessionId: string; answer: StoredAnswer }
  /** This key's first request, or another completion of the session, is still being worked on. */
  | { kind: 'busy' };

/**
 * Claims the completion of `sessionId` for `key` until `until`: one insert, which the primary key
 * (user, key) and the one-open-claim-per-session index let through once, read in the same statement
 * as the caller's session. A finished claim is replayed; a lapsed one (its worker died) is taken over.
 */
export async function claimCompletion(
  db: Queryable,
  claim: { userId: string; key: string; sessionId: string; now: string; until: string },
): Promise<Claim> {
  const insert = async (): Promise<Claim | null> => {
    const [row] = await db.query<Partial<SessionRow> & { claimed: boolean }>(
      `WITH claimed AS (
         INSERT INTO idempotency_keys (user_id, key, session_id, claimed_until, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT s.*, EXISTS (SELECT 1 FROM claimed) AS claimed
         FROM (SELECT 1) AS one LEFT JOIN connect_sessions s ON s.id = $3 AND s.user_id = $1`,
      [claim.userId, claim.key, claim.sessionId, claim.until, claim.now],
    );
    if (!row?.claimed) return null;
    return { kind: 'claimed', session: row.id ? fromRow(row as SessionRow) : null };
  };
  const claimed = await insert();
  if (claimed) return claimed;
  const [existing] = await db.query<{ session_id: string; status: number | null; body: unknown }>(
    'SELECT session_id, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
    [claim.userId, claim.key],
  );
  if (existing?.status != null)
    return { kind: 'replay', sessionId: existing.session_id, answer: { status: existing.status, body: existing.body } };
  const lapsed = await db.query(
    `DELETE FROM idempotency_keys WHERE status IS NULL AND claimed_until <= $3 AND ((user_id = $1 AND key = $2) OR session_id = $4)
     RETURNING 1`,
    [claim.userId, claim.key, claim.now, claim.sessionId],
  );
  return (lapsed.length > 0 ? await insert() : null) ?? { kind: 'busy' };
}

/** Keeps the answer for retries with this key and closes the session: one statement. */
export async function recordAnswer(
  db: Queryable,
  claim: { userId: string; key: string; sessionId: string; now: string },
  answer: StoredAnswer,
): Promise<void> {
  await db.query(
    `WITH answered AS (
       UPDATE idempotency_keys SET status = $3, body = $4, claimed_until = NULL WHERE user_id = $1 AND key = $2 RETURNING session_id)
     UPDATE connect_sessions SET closed_at = $5 WHERE id IN (SELECT session_id FROM answered) AND closed_at IS NULL`,
    [claim.userId, claim.key, answer.status, JSON.stringify(answer.body), claim.now],
  );
}

/** Gives a claim up without an answer (a transient failure): a retry with the key may try again. */
export async function releaseClaim(db: Queryable, claim: { userId: string; key: string }): Promise<void> {
  await db.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL', [claim.userId, claim.key]);
}
