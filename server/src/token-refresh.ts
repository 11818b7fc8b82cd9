/**
 * Keeps Stripe Apps access tokens fresh. An access token lives an hour and its refresh token rotates
 * on every use, so each integration is refreshed before expiry, one refresh at a time across every
 * instance on the database (data/credentials.ts claims it). A refresh token Stripe refuses makes the
 * integration expired (the admin reauthenticates); a transient failure keeps the old tokens and is
 * retried with backoff, and shows as an error only once the access token has run out meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { WorkspaceServices } from './context';
import { claimRefresh, refreshesDue, releaseRefresh, storeRefreshed, type SealedCredentials } from './data/credentials';
import { findIntegration, setHealth } from './data/integrations';

/** Refresh this long before the access token runs out (at 50 of its 60 minutes). */
export const REFRESH_AHEAD_MS = 10 * 60_000;
/** Longer than the Stripe client's own timeout, so a slow but live refresh is never taken over. */
const CLAIM_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export type RefreshOutcome =
  /** New tokens stored. */
  | 'refreshed'
  /** Not due, no refresh token, or another refresh holds it. */
  | 'skipped'
  /** Stripe refused the refresh token: the integration is expired. */
  | 'refused'
  /** Stripe could not be reached or failed: the old tokens stay, tried again later. */
  | 'failed';

/** When a refresh that failed `failures` times in a row is tried again: 1, 2, 4 … 15 minutes, jittered. */
export function refreshBackoffMs(failures: number, random: () => number = Math.random): number {
  return Math.round(Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.max(0, failures - 1)) * (0.75 + random() / 2));
}

/** When tokens obtained at `at` should be refreshed, and when their access token runs out. */
export function tokenTimes(services: WorkspaceServices, at: number): { accessExpiresAt: string | null; refreshDueAt: string | null } {
  const lifetime = services.stripe.accessTokenLifetimeMs;
  if (lifetime === null) return { accessExpiresAt: null, refreshDueAt: null };
  return {
    accessExpiresAt: new Date(at + lifetime).toISOString(),
    refreshDueAt: new Date(at + lifetime - Math.min(REFRESH_AHEAD_MS, lifetime / 2)).toISOString(),
  };
}

/**
 * Refreshes one integration if it is due (or `force`: Stripe just refused its access token) and no
 * other refresh holds it.
 */
export async function refreshIntegration(
  services: WorkspaceServices,
  integrationId: string,
  options: { force?: boolean } = {},
): Promise<RefreshOutcome> {
  const { db, stripe, sealer, now } = services;
  const claim = { integrationId, token: randomBytes(12).toString('hex') };
  const started = now();
  const credentials = await claimRefresh(db, {
    ...claim,
    now: new Date(started).toISOString(),
    until: new Date(started + CLAIM_MS).toISOString(),
    force: options.force ?? false,
  });
  if (!credentials?.refreshToken) return 'skipped';

  const answer = await stripe.refresh(credentials.stripeMode, sealer.open(credentials.refreshToken));
  if (answer.ok) {
    const times = tokenTimes(services, now());
    const stored = await storeRefreshed(db, claim, {
      accessToken: sealer.seal(answer.value.accessToken),
      refreshToken: answer.value.refreshToken === null ? null : sealer.seal(answer.value.refreshToken),
      accessExpiresAt: times.accessExpiresAt ?? new Date(now()).toISOString(),
      refreshDueAt: times.refreshDueAt ?? new Date(now()).toISOString(),
    });
    if (stored) await recoverFromRefreshFailure(services, credentials);
    return stored ? 'refreshed' : 'skipped';
  }
  if (answer.error.kind === 'invalid_grant') {
    // Rotated away, revoked, uninstalled or past its year: only the admin can connect it again.
    await db.transaction(async (tx) => {
      if ((await releaseRefresh(tx, claim, { retryAt: null })) === null) return;
      await setHealth(
        tx,
        { workspaceId: credentials.workspaceId, id: integrationId },
        { status: 'expired', problem: { code: 'refresh_refused' } },
      );
    });
    return 'refused';
  }
  const failures = credentials.refreshFailures + 1;
  await db.transaction(async (tx) => {
    const retryAt = new Date(now() + refreshBackoffMs(failures)).toISOString();
    if ((await releaseRefresh(tx, claim, { retryAt })) === null) return;
    // The data stops only when the access token runs out: until then the admin need not know.
    const expired = credentials.accessExpiresAt !== null && Date.parse(credentials.accessExpiresAt) <= now();
    if (expired) {
      await setHealth(
        tx,
        { workspaceId: credentials.workspaceId, id: integrationId },
        { status: 'error', problem: { code: 'refresh_failing', detail: answer.error.message } },
      );
    }
  });
  return 'failed';
}

/** A refresh that works again clears the error its failures showed (and nothing else). */
async function recoverFromRefreshFailure(services: WorkspaceServices, credentials: SealedCredentials): Promise<void> {
  const integration = await findIntegration(services.db, credentials.workspaceId, credentials.integrationId);
  if (integration?.problem?.code !== 'refresh_failing') return;
  await services.db.transaction((tx) =>
    setHealth(tx, { workspaceId: credentials.workspaceId, id: credentials.integrationId }, { status: 'active', problem: null }),
  );
}

/** One pass: every integration whose refresh is due, a batch at a time. */
export async function refreshDueTokens(services: WorkspaceServices, batch = 50): Promise<Record<RefreshOutcome, number>> {
  const counts: Record<RefreshOutcome, number> = { refreshed: 0, skipped: 0, refused: 0, failed: 0 };
  const due = await refreshesDue(services.db, new Date(services.now()).toISOString(), batch);
  for (const integrationId of due) counts[await refreshIntegration(services, integrationId)] += 1;
  return counts;
}

/** Runs a pass every `intervalMs` (a minute: well inside the ten minutes a refresh is early). */
export function startTokenRefresher(services: WorkspaceServices, intervalMs = 60_000): { stop(): void } {
  if (services.stripe.accessTokenLifetimeMs === null) return { stop() {} };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refreshDueTokens(services)
      .catch((error: unknown) => console.error('token refresh pass failed:', error))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
