/**
 * Syncing an integration's Stripe data, and what the sync met as the integration's health: access
 * revoked or refused makes it expired, a failing sync an error, a sync that works again clears it.
 * `syncIntegration` runs one now (test controls); `startSyncer` (syncer.ts) runs them when due.
 */
import { randomBytes } from 'node:crypto';
import type { WorkspaceServices } from '../context';
import { findIntegration, setHealth } from '../data/integrations';
import { claimSync, releaseSync, syncDue, syncFailures, SyncClaimLost, type SyncClaim } from '../data/sync-state';
import type { StoredIntegration } from '../model';
import { HttpError } from '../problems';
import type { SyncOutcome } from '../stripe-gateway';
import { DEFAULT_SYNC_TIMING, runSync, SyncStopped, type SyncTiming } from './run';

export interface SyncSettings extends SyncTiming {
  /** How often an integration is synced once its first import is done. */
  intervalMs: number;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = { ...DEFAULT_SYNC_TIMING, intervalMs: 15 * 60_000 };

/** The defaults, with what was given. */
export const syncSettingsOf = (options: Partial<SyncSettings>): SyncSettings => ({ ...DEFAULT_SYNC_SETTINGS, ...options });

/** When a sync that failed `failures` times in a row is tried again: 1, 2, 4 … minutes, at most the interval. */
export function syncBackoffMs(failures: number, intervalMs: number): number {
  return Math.min(intervalMs, 60_000 * 2 ** Math.max(0, failures - 1));
}

/** Syncs one integration now, unless a sync of it is under way elsewhere; answers it as it then stands. */
export async function syncIntegration(
  services: WorkspaceServices,
  workspaceId: string,
  integrationId: string,
  settings: SyncSettings = DEFAULT_SYNC_SETTINGS,
): Promise<StoredIntegration> {
  const integration = await findIntegration(services.db, workspaceId, integrationId);
  if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
  const token = randomBytes(12).toString('hex');
  const now = services.now();
  // Due now, whatever its schedule (an integration that never had a sync gets one).
  await syncDue(services.db, integrationId, new Date(now).toISOString());
  const claimed = await claimSync(services.db, {
    token,
    integrationId,
    now: new Date(now).toISOString(),
    until: new Date(now + settings.claimMs).toISOString(),
  });
  if (claimed) await syncClaimed(services, { workspaceId, integration }, { integrationId, token }, settings);
  const current = await findIntegration(services.db, workspaceId, integrationId);
  if (!current) throw new HttpError(404, 'integration_not_found', 'Integration not found');
  return current;
}

/** Runs a claimed sync, records its health, and releases the claim with the next sync's time. */
export async function syncClaimed(
  services: WorkspaceServices,
  target: { workspaceId: string; integration: StoredIntegration },
  claim: SyncClaim,
  settings: SyncSettings,
  signal?: AbortSignal,
): Promise<void> {
  const { db, now } = services;
  let outcome: SyncOutcome;
  try {
    outcome = await runSync(services, target.workspaceId, target.integration, claim, settings, signal);
  } catch (error) {
    // Another instance took it over: its sync records what happens.
    if (error instanceof SyncClaimLost) return;
    // Shutting down: due at once, so the next start (or another instance) goes on from the last page.
    if (error instanceof SyncStopped) return releaseSync(db, claim, { dueAt: new Date(now()).toISOString(), failed: false });
    await releaseSync(db, claim, { dueAt: new Date(now() + syncBackoffMs(1, settings.intervalMs)).toISOString(), failed: true });
    throw error;
  }
  await recordHealth(services, target.workspaceId, target.integration.id, outcome);
  const failed = !outcome.ok && outcome.error.kind !== 'access_lost';
  const failures = failed ? (await syncFailures(db, claim.integrationId)) + 1 : 0;
  const dueAt = now() + (failed ? syncBackoffMs(failures, settings.intervalMs) : settings.intervalMs);
  await releaseSync(db, claim, { dueAt: new Date(dueAt).toISOString(), failed });
}

async function recordHealth(services: WorkspaceServices, workspaceId: string, integrationId: string, outcome: SyncOutcome): Promise<void> {
  const { db } = services;
  const current = await findIntegration(db, workspaceId, integrationId);
  if (!current) return;
  const target = { workspaceId, id: integrationId };
  const syncedAt = new Date(services.now()).toISOString();
  await db.transaction(async (tx) => {
    if (outcome.ok) {
      // A sync that works again clears a sync error; revoked or expired access needs the admin.
      const recovered = current.status === 'error';
      return setHealth(
        tx,
        target,
        recovered ? { status: 'active', problem: null, syncedAt } : { status: current.status, problem: current.problem, syncedAt },
      );
    }
    // An access token that ran out is the refresh's business (another refresh may hold it right
    // now): it says when that becomes the admin's.
    if (outcome.error.kind === 'token_expired') return [];
    if (outcome.error.kind === 'access_lost') {
      // Already revoked or expired (a webhook or a refused refresh said why): that reason stands.
      if (current.status === 'expired' || current.status === 'revoked') return [];
      return setHealth(tx, target, { status: 'expired', problem: { code: 'expired' } });
    }
    return setHealth(tx, target, { status: 'error', problem: { code: 'sync_failed', detail: outcome.error.message } });
  });
}
