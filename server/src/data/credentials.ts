/**
 * An integration's sealed Stripe credentials and their refresh. Stripe Apps rotates the refresh
 * token on every use, so two refreshes of one integration would leave one of them holding a dead
 * token: a refresh first claims the row with a conditional update (every instance on the database
 * sees it), and only the claim's holder may store what Stripe answered.
 */
import type { Queryable } from '../db/database';
import type { StripeMode } from '../stripe-gateway';

export interface SealedCredentials {
  integrationId: string;
  workspaceId: string;
  stripeAccountId: string;
  stripeMode: StripeMode;
  accessToken: Buffer;
  refreshToken: Buffer | null;
  accessExpiresAt: string | null;
  refreshFailures: number;
}

interface CredentialsRow {
  integration_id: string;
  workspace_id: string;
  stripe_account_id: string;
  stripe_mode: StripeMode;
  access_token: Buffer | Uint8Array;
  refresh_token: Buffer | Uint8Array | null;
  access_expires_at: Date | null;
  refresh_failures: number;
}

const COLUMNS = `c.integration_id, i.workspace_id, i.stripe_account_id, i.stripe_mode, c.access_token, c.refresh_token,
  c.access_expires_at, c.refresh_failures`;

const fromRow = (row: CredentialsRow): SealedCredentials => ({
  integrationId: row.integration_id,
  workspaceId: row.workspace_id,
  stripeAccountId: row.stripe_account_id,
  stripeMode: row.stripe_mode,
  accessToken: Buffer.from(row.access_token),
  refreshToken: row.refresh_token === null ? null : Buffer.from(row.refresh_token),
  accessExpiresAt: row.access_expires_at ? new Date(row.access_expires_at).toISOString() : null,
  refreshFailures: row.refresh_failures,
});

export async function findCredentials(db: Queryable, integrationId: string): Promise<SealedCredentials | null> {
  const [row] = await db.query<CredentialsRow>(
    `SELECT ${COLUMNS} FROM stripe_credentials c JOIN integrations i ON i.id = c.integration_id WHERE c.integration_id = $1`,
    [integrationId],
  );
  return row ? fromRow(row) : null;
}

/** Integrations whose refresh is due and not claimed by a live refresh, soonest first (an index range). */
export async function refreshesDue(db: Queryable, now: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ integration_id: string }>(
    `SELECT integration_id FROM stripe_credentials
      WHERE refresh_due_at <= $1 AND (refresh_claimed_until IS NULL OR refresh_claimed_until <= $1)
      ORDER BY refresh_due_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((row) => row.integration_id);
}

/**
 * Claims the refresh of one integration until `until`, if it is due (or `force`d: its access token
 * was refused) and no other refresh holds it: the credentials to refresh with, else null.
 */
export async function claimRefresh(
  db: Queryable,
  claim: { integrationId: string; token: string; now: string; until: string; force: boolean },
): Promise<SealedCredentials | null> {
  const [row] = await db.query<CredentialsRow>(
    `WITH claimed AS (
       UPDATE stripe_credentials SET refresh_claim = $2, refresh_claimed_until = $4
        WHERE integration_id = $1 AND refresh_token IS NOT NULL AND refresh_due_at IS NOT NULL
          AND (refresh_due_at <= $3 OR $5::boolean)
          AND (refresh_claimed_until IS NULL OR refresh_claimed_until <= $3)
        RETURNING *)
     SELECT ${COLUMNS} FROM claimed c JOIN integrations i ON i.id = c.integration_id`,
    [claim.integrationId, claim.token, claim.now, claim.until, claim.force],
  );
  return row ? fromRow(row) : null;
}

/**
 * Stores rotated tokens, if the claim still holds (new credentials from a reauthentication end it):
 * true when stored.
 */
export async function storeRefreshed(
  db: Queryable,
  claim: { integrationId: string; token: string },
  tokens: { accessToken: Buffer; refreshToken: Buffer | null; accessExpiresAt: string; refreshDueAt: string },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE stripe_credentials SET access_token = $3, refresh_token = COALESCE($4, refresh_token), access_expires_at = $5,
            refresh_due_at = $6, refresh_failures = 0, refresh_claim = NULL, refresh_claimed_until = NULL
      WHERE integration_id = $1 AND refresh_claim = $2 RETURNING 1`,
    [claim.integrationId, claim.token, tokens.accessToken, tokens.refreshToken, tokens.accessExpiresAt, tokens.refreshDueAt],
  );
  return rows.length > 0;
}

/**
 * Ends a claim without new tokens: a transient failure (the old tokens stay, the next try is
 * `retryAt`) or a refused refresh token (`retryAt` null: no more tries until the admin reconnects).
 * Answers how many failures in a row there have been, or null if the claim no longer held.
 */
export async function releaseRefresh(
  db: Queryable,
  claim: { integrationId: string; token: string },
  outcome: { retryAt: string | null },
): Promise<number | null> {
  const [row] = await db.query<{ refresh_failures: number }>(
    `UPDATE stripe_credentials SET refresh_due_at = $3, refresh_failures = refresh_failures + 1, refresh_claim = NULL,
            refresh_claimed_until = NULL
      WHERE integration_id = $1 AND refresh_claim = $2 RETURNING refresh_failures`,
    [claim.integrationId, claim.token, outcome.retryAt],
  );
  return row ? row.refresh_failures : null;
}
