/** One sync of an integration against Stripe: how a workspace finds out that access is gone. */
import type { WorkspaceServices } from './context';
import { findIntegration, setHealth } from './data/integrations';
import type { StoredIntegration } from './model';
import { HttpError } from './problems';

export async function syncIntegration(services: WorkspaceServices, workspaceId: string, integrationId: string): Promise<StoredIntegration> {
  const { db, stripe } = services;
  const integration = await findIntegration(db, workspaceId, integrationId);
  if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
  const outcome = await stripe.sync(integration.stripeAccountId);
  const target = { workspaceId, id: integrationId };
  const syncedAt = new Date(services.now()).toISOString();
  const changed = await db.transaction((tx) => {
    if (outcome.ok) {
      // A sync that works again clears a sync error; revoked or expired access needs the admin.
      const recovered = integration.status === 'error';
      return setHealth(
        tx,
        target,
        recovered ? { status: 'active', problem: null, syncedAt } : { status: integration.status, problem: integration.problem, syncedAt },
      );
    }
    if (outcome.error.kind === 'access_lost') return setHealth(tx, target, { status: 'expired', problem: { code: 'expired' } });
    return setHealth(tx, target, { status: 'error', problem: { code: 'sync_failed', detail: outcome.error.message } });
  });
  // setHealth answers the row it changed; none changed means it stands as read.
  return changed[0] ?? integration;
}
