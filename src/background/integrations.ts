/** Changes to the workspace's integrations that the admin asks for from the popup. */
import type { CommandReply } from '../shared/commands';
import type { Integration } from '../shared/schemas';
import { clearState, readState, writeState } from './storage';
import { currentWorkspaceClient } from './workspace';

export interface IntegrationsDeps {
  checkHealth: () => Promise<void>;
  showBadge: (integrations: readonly Integration[]) => Promise<void>;
}

export interface Integrations {
  disconnect: (integrationId: string) => Promise<CommandReply>;
  /** An integration the workspace no longer has (a colleague removed it): off the list at once. */
  forget: (integrationId: string) => Promise<void>;
}

export function createIntegrations({ checkHealth, showBadge }: IntegrationsDeps): Integrations {
  async function forget(integrationId: string): Promise<void> {
    const { health } = await readState();
    if (health) {
      const integrations = health.integrations.filter((i) => i.id !== integrationId);
      // No ETag: the next check fetches the whole list, whatever else changed.
      await writeState({ health: { ...health, integrations, etag: null } });
      await showBadge(integrations);
    }
    await checkHealth();
  }

  return {
    forget,
    async disconnect(integrationId) {
      const client = await currentWorkspaceClient();
      if (!client.ok) return { ok: false, error: client.error };
      await writeState({ operation: { kind: 'disconnect', integrationId, status: 'running' } });
      const answer = await client.value.deleteIntegration(integrationId);
      if (!answer.ok) {
        await writeState({ operation: { kind: 'disconnect', integrationId, status: 'failed', error: answer.error } });
        // Removed meanwhile (by a colleague, say): what the admin wanted, and the row must go.
        if (answer.error.code === 'integration-gone') await forget(integrationId);
        return { ok: false, error: answer.error };
      }
      await clearState(['operation']);
      await checkHealth();
      return { ok: true };
    },
  };
}
