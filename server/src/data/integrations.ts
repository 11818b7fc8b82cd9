/** Integrations of a workspace, always queried within that workspace, and their sealed Stripe credentials. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { IntegrationStatus, StoredIntegration } from '../model';
import type { IntegrationProblem, ProblemCode } from '../reasons';
import type { StripeMode, StripeProvider } from '../stripe-gateway';
import { touchWorkspaces } from './workspaces';

interface IntegrationRow {
  seq: string;
  id: string;
  workspace_id: string;
  status: IntegrationStatus;
  stripe_account_id: string;
  stripe_account_name: string | null;
  livemode: boolean;
  connected_at: Date;
  last_sync_at: Date | null;
  problem_code: ProblemCode | null;
  problem_detail: string | null;
  oauth: StripeProvider;
  stripe_mode: StripeMode;
}

const COLUMNS = `seq::text AS seq, id, workspace_id, status, stripe_account_id, stripe_account_name, livemode,
  connected_at, last_sync_at, problem_code, problem_detail, oauth, stripe_mode`;

const toIso = (value: Date | string) => new Date(value).toISOString();

function fromRow(row: IntegrationRow): StoredIntegration {
  return {
    id: row.id,
    provider: 'stripe',
    status: row.status,
    stripeAccountId: row.stripe_account_id,
    stripeAccountName: row.stripe_account_name,
    livemode: row.livemode,
    connectedAt: toIso(row.connected_at),
    lastSyncAt: row.last_sync_at ? toIso(row.last_sync_at) : null,
    problem: row.problem_code ? { code: row.problem_code, ...(row.problem_detail ? { detail: row.problem_detail } : {}) } : null,
    oauth: row.oauth,
    stripeMode: row.stripe_mode,
  };
}

export interface IntegrationPage {
  integrations: StoredIntegration[];
  /** The last row's position when more may follow, else null. */
  after: string | null;
}

/** One page in list order, after the row at `after` (a `seq`); reads one index range, whatever the total. */
export async function listIntegrations(
  db: Queryable,
  workspaceId: string,
  page: { after: string | null; limit: number },
): Promise<IntegrationPage> {
  const rows = await db.query<IntegrationRow>(
    `SELECT ${COLUMNS} FROM integrations WHERE workspace_id = $1 AND integrations.seq > $2::bigint ORDER BY integrations.seq LIMIT $3`,
    [workspaceId, page.after ?? '0', page.limit + 1],
  );
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { integrations: shown.map(fromRow), after: more ? (shown.at(-1)?.seq ?? null) : null };
}

export async function findIntegration(db: Queryable, workspaceId: string, id: string): Promise<StoredIntegration | null> {
  const [row] = await db.query<IntegrationRow>(`SELECT ${COLUMNS} FROM integrations WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return row ? fromRow(row) : null;
}

export async function accountInUse(db: Queryable, workspaceId: string, stripeAccountId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM integrations WHERE workspace_id = $1 AND stripe_account_id = $2', [
    workspaceId,
    stripeAccountId,
  ]);
  return rows.length > 0;
}

export interface ConnectedAccount {
  stripeAccountId: string;
  stripeAccountName: string | null;
  livemode: boolean;
  oauth: StripeProvider;
  stripeMode: StripeMode;
  at: string;
  /** Sealed Stripe credentials (secrets.ts). */
  accessToken: Buffer;
  refreshToken: Buffer | null;
  /** Null: tokens that do not expire (Connect). */
  accessExpiresAt: string | null;
  refreshDueAt: string | null;
}

/**
 * Connects an account: a new integration, or the existing one for that account (or `integrationId`,
 * on reauthentication) made active again, with its new sealed credentials, and the list's version
 * moved on: one statement, guarded by the (workspace, account) unique constraint, so racing
 * completions still make one integration.
 */
export async function connectAccount(
  tx: Queryable,
  workspaceId: string,
  account: ConnectedAccount,
  integrationId: string | null,
): Promise<{ integration: StoredIntegration; created: boolean }> {
  // A reauthentication may move an integration between the workspace's modes or provider kinds.
  const upsert = integrationId
    ? `UPDATE integrations SET status = 'active', problem_code = NULL, problem_detail = NULL, stripe_account_name = $4, livemode = $5,
              oauth = $9, stripe_mode = $10
        WHERE workspace_id = $2 AND id = $1 AND stripe_account_id = $3 AND $6::timestamptz IS NOT NULL
        RETURNING ${COLUMNS}, false AS created`
    : `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at, oauth, stripe_mode)
       VALUES ($1, $2, 'stripe', 'active', $3, $4, $5, $6, $9, $10)
       ON CONFLICT (workspace_id, stripe_account_id) DO UPDATE
         SET status = 'active', problem_code = NULL, problem_detail = NULL,
             stripe_account_name = EXCLUDED.stripe_account_name, livemode = EXCLUDED.livemode,
             oauth = EXCLUDED.oauth, stripe_mode = EXCLUDED.stripe_mode
       RETURNING ${COLUMNS}, (xmax = 0) AS created`;
  // New credentials end any refresh under way for the old ones (its answer is then not stored).
  const [row] = await tx.query<IntegrationRow & { created: boolean }>(
    `WITH connected AS (${upsert}),
          credentials AS (
            INSERT INTO stripe_credentials (integration_id, access_token, refresh_token, access_expires_at, refresh_due_at)
            SELECT id, $7, $8, $11, $12 FROM connected
            ON CONFLICT (integration_id) DO UPDATE SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
              access_expires_at = EXCLUDED.access_expires_at, refresh_due_at = EXCLUDED.refresh_due_at,
              refresh_failures = 0, refresh_claim = NULL, refresh_claimed_until = NULL),
          touched AS (UPDATE workspaces SET version = version + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM connected))
     SELECT * FROM connected`,
    [
      integrationId ?? `int_${randomBytes(10).toString('hex')}`,
      workspaceId,
      account.stripeAccountId,
      account.stripeAccountName,
      account.livemode,
      account.at,
      account.accessToken,
      account.refreshToken,
      account.oauth,
      account.stripeMode,
      account.accessExpiresAt,
      account.refreshDueAt,
    ],
  );
  if (!row) throw new Error(`integration ${integrationId ?? account.stripeAccountId} vanished while connecting`);
  return { integration: fromRow(row), created: row.created };
}

/**
 * Stripe Apps allows one installation per (Stripe account, app) and mode: a new install retires
 * every earlier one's tokens. The account's other integrations on this server (other workspaces, or
 * one left behind) lose access then; they say so, and their dead credentials go.
 */
export async function retireOtherInstalls(
  tx: Queryable,
  install: { stripeAccountId: string; stripeMode: StripeMode; keep: string | null },
): Promise<StoredIntegration[]> {
  const rows = await tx.query<IntegrationRow>(
    `WITH retired AS (
       UPDATE integrations SET status = 'revoked', problem_code = 'installed_elsewhere', problem_detail = NULL
        WHERE stripe_account_id = $1 AND stripe_mode = $2 AND oauth = 'stripe-app' AND id IS DISTINCT FROM $3::text
          AND problem_code IS DISTINCT FROM 'installed_elsewhere'
        RETURNING ${COLUMNS}),
     forgotten AS (DELETE FROM stripe_credentials WHERE integration_id IN (SELECT id FROM retired))
     SELECT * FROM retired`,
    [install.stripeAccountId, install.stripeMode, install.keep],
  );
  await touchWorkspaces(
    tx,
    rows.map((row) => row.workspace_id),
  );
  return rows.map(fromRow);
}

export async function removeIntegration(tx: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const removed = await tx.query('DELETE FROM integrations WHERE workspace_id = $1 AND id = $2 RETURNING id', [workspaceId, id]);
  if (removed.length > 0) await touchWorkspaces(tx, [workspaceId]);
  return removed.length > 0;
}

export type HealthTarget = { workspaceId: string; id: string } | { stripeAccountId: string; livemode: boolean };

/**
 * Sets the health of one integration, or of every integration of a Stripe account (a webhook names
 * only the account). Rows already in that state are left alone, so an unchanged list keeps its ETag.
 */
export async function setHealth(
  tx: Queryable,
  target: HealthTarget,
  health: { status: IntegrationStatus; problem: IntegrationProblem | null; syncedAt?: string },
): Promise<StoredIntegration[]> {
  // Both forms take the same parameters ($2 is the id, or the mode for an account), so one statement serves both.
  const where = 'id' in target ? 'workspace_id = $1 AND id = $2' : "stripe_account_id = $1 AND livemode = ($2 = 'live')";
  const rows = await tx.query<IntegrationRow>(
    `UPDATE integrations SET status = $3, problem_code = $4, problem_detail = $5, last_sync_at = COALESCE($6, last_sync_at)
      WHERE ${where}
        AND (status <> $3 OR problem_code IS DISTINCT FROM $4 OR problem_detail IS DISTINCT FROM $5 OR $6::timestamptz IS NOT NULL)
      RETURNING ${COLUMNS}`,
    [
      'id' in target ? target.workspaceId : target.stripeAccountId,
      'id' in target ? target.id : target.livemode ? 'live' : 'test',
      health.status,
      health.problem?.code ?? null,
      health.problem?.detail ?? null,
      health.syncedAt ?? null,
    ],
  );
  await touchWorkspaces(
    tx,
    rows.map((row) => row.workspace_id),
  );
  return rows.map(fromRow);
}
