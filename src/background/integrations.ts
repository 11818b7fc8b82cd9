/** Changes to the workspace's integrations that the admin asks for from the popup. */
import type { CommandReply } from '../shared/commands';
import { appError } from '../shared/errors';
import { clearWorkspaceKeys, readState, readWorkspace, writeWorkspace } from './storage';
import { workspaceClient } from './workspace';

export interface IntegrationsDeps {
  checkHealth: () => Promise<void>;
  showBadge: () => Promise<void>;
}

export interface Integrations {
  disconnect: (integrationId: string) => Promise<CommandReply>;
  /** An integration the active workspace no longer has (a colleague removed it): off the list at once. */
  forget: (integrationId: string) => Promise<void>;
}

export function createIntegrations({ checkHealth, showBadge }: IntegrationsDeps): Integrations {
  async function forgetIn(workspaceUrl: string, integrationId: string): Promise<void> {
    const health = (await readWorkspace(workspaceUrl))?.health;
    if (health) {
      const integrations = health.integrations.filter((i) => i.id !== integrationId);
      // No ETag: the next check fetches the whole list, whatever else changed.
      await writeWorkspace(workspaceUrl, { health: { ...health, integrations, etag: null } });
      await showBadge();
    }
    await checkHealth();
  }

  return {
    async forget(integrationId) {
      const { activeWorkspace } = await readState();
      if (activeWorkspace) await forgetIn(activeWorkspace, integrationId);
    },
    /** In the active workspace, which the admin sees the integration in. */
    async disconnect(integrationId) {
      const { settings } = await readState();
      const client = await workspaceClient(settings);
      if (!settings || !client.ok) return { ok: false, error: client.ok ? appError('not-configured') : client.error };
      const { workspaceUrl } = settings;
      await writeWorkspace(workspaceUrl, { operation: { kind: 'disconnect', integrationId, status: 'running' } });
      const answer = await client.value.deleteIntegration(integrationId);
      if (!answer.ok) {
        await writeWorkspace(workspaceUrl, { operation: { kind: 'disconnect', integrationId, status: 'failed', error: answer.error } });
        // Removed meanwhile (by a colleague, say): what the admin wanted, and the row must go.
        if (answer.error.code === 'integration-gone') await forgetIn(workspaceUrl, integrationId);
        return { ok: false, error: answer.error };
      }
      await clearWorkspaceKeys(workspaceUrl, ['operation']);
      await checkHealth();
      return { ok: true };
    },
  };
}
