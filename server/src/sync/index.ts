/** One sync of an integration against Stripe: how a workspace finds out that access is gone. */
import type { WorkspaceServices } from './context';
import { findCredentials } from './data/credentials';
import { findIntegration, setHealth } from './data/integrations';
import type { StoredIntegration } from './model';
import { HttpError } from './problems';
import type { SyncOutcome } from './stripe-gateway';
import { refreshIntegration } from './token-refresh';

export async function syncIntegration(services: WorkspaceServices, workspaceId: string, integrationId: string): Promise<StoredIntegration> {
  const { db } = services;
  const integration = await findIntegration(db, workspaceId, integrationId);
  if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
  // A refresh that is due happens first; one Stripe refused is already recorded by the refresh.
  await refreshIntegration(services, integrationId);
  let outcome = await syncOnce(services, integration);
  if (!outcome.ok && outcome.error.kind === 'token_expired') {
    // The access token ran out before its refresh (a refresher that was down): refresh now, once.
    if ((await refreshIntegration(services, integrationId, { force: true })) === 'refreshed')
      outcome = await syncOnce(services, integration);
  }
  const current = await findIntegration(db, workspaceId, integrationId);
  if (!current) throw new HttpError(404, 'integration_not_found', 'Integration not found');
  const target = { workspaceId, id: integrationId };
  const syncedAt = new Date(services.now()).toISOString();
  const changed = await db.transaction(async (tx) => {
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
  // setHealth answers the row it changed; none changed means it stands as read.
  return changed[0] ?? current;
}

async function syncOnce(services: WorkspaceServices, integration: StoredIntegration): Promise<SyncOutcome> {
  const credentials = await findCredentials(services.db, integration.id);
  return services.stripe.sync(integration.stripeMode, {
    stripeUserId: integration.stripeAccountId,
    accessToken: credentials ? services.sealer.open(credentials.accessToken) : '',
  });
}
