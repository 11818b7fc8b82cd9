/**
 * A one-time import of the reference workspace's former JSON store (`DATA_DIR/workspace.json`,
 * releases up to 0.1.0): its workspace, people (tokens hashed now), integrations and Stripe
 * credentials (sealed now). Connect sessions and idempotency answers live minutes and are left
 * behind. The file is renamed `workspace.json.imported` in the same step, so it runs once.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { syncDue } from '../src/data/sync-state';
import type { Database } from '../src/db/database';
import type { Sealer } from '../src/secrets';
import { insertWorkspace } from '../src/data/workspaces';

const LegacyDocument = v.object({
  workspace: v.object({ id: v.string(), name: v.string() }),
  users: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      email: v.string(),
      role: v.picklist(['admin', 'standard', 'read-only']),
      token: v.string(),
    }),
  ),
  integrations: v.array(
    v.object({
      id: v.string(),
      status: v.picklist(['active', 'expired', 'revoked', 'error']),
      stripeAccountId: v.string(),
      stripeAccountName: v.string(),
      livemode: v.boolean(),
      connectedAt: v.string(),
      lastSyncAt: v.nullable(v.string()),
      problem: v.nullable(v.object({ code: v.picklist(['revoked', 'expired', 'sync_failed']), detail: v.optional(v.string()) })),
    }),
  ),
  secrets: v.record(v.string(), v.object({ accessToken: v.string(), refreshToken: v.nullable(v.string()) })),
});

/** Imports `workspace.json` when there is one; answers what it imported, or null. */
export async function importLegacyStore(
  dataDir: string,
  db: Database,
  sealer: Sealer,
): Promise<{ workspace: string; integrations: number } | null> {
  const file = join(dataDir, 'workspace.json');
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  const legacy = v.parse(LegacyDocument, JSON.parse(text));
  // All of it or nothing: a crash part-way leaves the file to import again.
  await db.transaction(async (tx) => {
    if (!(await insertWorkspace(tx, { id: legacy.workspace.id, name: legacy.workspace.name, users: legacy.users }))) return;
    for (const integration of legacy.integrations) {
      await tx.query(
        `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at, last_sync_at, problem_code, problem_detail)
           VALUES ($1, $2, 'stripe', $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          integration.id,
          legacy.workspace.id,
          integration.status,
          integration.stripeAccountId,
          integration.stripeAccountName,
          integration.livemode,
          integration.connectedAt,
          integration.lastSyncAt,
          integration.problem?.code ?? null,
          integration.problem?.detail ?? null,
        ],
      );
      // Its data is imported from the next sync on.
      await syncDue(tx, integration.id, new Date().toISOString());
      const secret = legacy.secrets[integration.id];
      if (secret) {
        await tx.query('INSERT INTO stripe_credentials (integration_id, access_token, refresh_token) VALUES ($1, $2, $3)', [
          integration.id,
          sealer.seal(secret.accessToken),
          secret.refreshToken === null ? null : sealer.seal(secret.refreshToken),
        ]);
      }
    }
  });
  await rename(file, `${file}.imported`);
  return { workspace: legacy.workspace.name, integrations: legacy.integrations.length };
}
