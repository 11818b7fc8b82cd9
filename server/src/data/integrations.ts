/** Integrations of a workspace, always queried within that workspace, and their sealed Stripe credentials. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { IntegrationStatus, StoredIntegration } from '../model';
import type { IntegrationProblem, ProblemCode } from '../reasons';
import { touchWorkspaces } from './workspaces';

interface IntegrationRow {
  seq: string;
  id: string;
  workspace_id: string;
  status: IntegrationStatus;
  stripe_account_id: string;
  stripe_account_name: string;
  livemode: boolean;
  connected_at: Date;
  last_sync_at: Date | null;
  problem_code: ProblemCode | null;
  problem_detail: string | null;
}

const COLUMNS = `seq::text AS seq, id, workspace_id, status, stripe_account_id, stripe_account_name, livemode,
  connected_at, last_sync_at, problem_code, problem_detail`;

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
  stripeAccountName: string;
  livemode: boolean;
  at: string;
  /** Sealed Stripe credentials (secrets.ts). */
  accessToken: Buffer;
  refreshToken: Buffer | null;
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
  const upsert = integrationId
    ? `UPDATE integrations SET status = 'active', problem_code = NULL, problem_detail = NULL, stripe_account_name = $4, livemode = $5
        WHERE workspace_id = $2 AND id = $1 AND stripe_account_id = $3 AND $6::timestamptz IS NOT NULL
        RETURNING ${COLUMNS}, false AS created`
    : `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at)
       VALUES ($1, $2, 'stripe', 'active', $3, $4, $5, $6)
       ON CONFLICT (workspace_id, stripe_account_id) DO UPDATE
         SET status = 'active', problem_code = NULL, problem_detail = NULL,
             stripe_account_name = EXCLUDED.stripe_account_name, livemode = EXCLUDED.livemode
       RETURNING ${COLUMNS}, (xmax = 0) AS created`;
  const [row] = await tx.query<IntegrationRow & { created: boolean }>(
    `WITH connected AS (${upsert}),
          credentials AS (
            INSERT INTO stripe_credentials (integration_id, access_token, refresh_token) SELECT id, $7, $8 FROM connected
            ON CONFLICT (integration_id) DO UPDATE SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token),
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
    ],
  );
  if (!row) throw new Error(`integration ${integrationId ?? account.stripeAccountId} vanished while connecting`);
  return { integration: fromRow(row), created: row.created };
}

export async function removeIntegration(tx: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const removed = await tx.query('DELETE FROM integrations WHERE workspace_id = $1 AND id = $2 RETURNING id', [workspaceId, id]);
  if (removed.length > 0) await touchWorkspaces(tx, [workspaceId]);
  return removed.length > 0;
}

export type HealthTarget = { workspaceId: string; id: string } | { stripeAccountId: string };

/**
 * Sets the health of one integration, or of every integration of a Stripe account (a webhook names
 * only the account). Rows already in that state are left alone, so an unchanged list keeps its ETag.
 */
export async function setHealth(
  tx: Queryable,
  target: HealthTarget,
  health: { status: IntegrationStatus; problem: IntegrationProblem | null; syncedAt?: string },
): Promise<StoredIntegration[]> {
  // Both forms take the same parameters ($2 is null for an account), so one statement serves both.
  const where = 'id' in target ? 'workspace_id = $1 AND id = $2' : 'stripe_account_id = $1 AND $2::text IS NULL';
  const rows = await tx.query<IntegrationRow>(
    `UPDATE integrations SET status = $3, problem_code = $4, problem_detail = $5, last_sync_at = COALESCE($6, last_sync_at)
      WHERE ${where}
        AND (status <> $3 OR problem_code IS DISTINCT FROM $4 OR problem_detail IS DISTINCT FROM $5 OR $6::timestamptz IS NOT NULL)
      RETURNING ${COLUMNS}`,
    [
      'id' in target ? target.workspaceId : target.stripeAccountId,
      'id' in target ? target.id : null,
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
