/**
 * The admin's account with the workspace: who they are (the profile), the settings that reach it,
 * signing out, and how often its integrations are checked.
 */
import type { CommandReply } from '../shared/commands';
import { appError } from '../shared/errors';
import { IDLE } from '../shared/state';
import { parseWorkspaceUrl } from '../shared/workspace-api';
import { clearStateFor, readState, writeState } from './storage';
import { currentWorkspaceClient } from './workspace';

export interface AccountDeps {
  isFlowRunning: () => boolean;
  stopFlow: () => Promise<void>;
  checkHealth: () => Promise<void>;
  showBadge: (integrations: []) => Promise<void>;
  scheduleHealthChecks: (minutes: number) => Promise<void>;
}

export interface Account {
  checkProfile: () => Promise<CommandReply>;
  saveSettings: (workspaceUrl: string, token: string, rememberToken: boolean) => Promise<CommandReply>;
  signOut: () => Promise<CommandReply>;
  setHealthInterval: (minutes: number) => Promise<CommandReply>;
}

export function createAccount(deps: AccountDeps): Account {
  async function checkProfile(): Promise<CommandReply> {
    await writeState({ profile: { status: 'checking' } });
    const client = await currentWorkspaceClient();
    if (!client.ok) {
      await writeState({ profile: { status: 'failed', error: client.error, checkedAt: Date.now() } });
      return { ok: false, error: client.error };
    }
    const me = await client.value.getMe();
    await writeState({
      profile: me.ok
        ? { status: 'ready', me: me.value, checkedAt: Date.now() }
        : { status: 'failed', error: me.error, checkedAt: Date.now() },
    });
    return me.ok ? { ok: true } : { ok: false, error: me.error };
  }

  return {
    checkProfile,

    async saveSettings(workspaceUrl, token, rememberToken) {
      const url = parseWorkspaceUrl(workspaceUrl);
      if (!url.ok) return { ok: false, error: appError('not-configured', url.error) };
      const { settings } = await readState();
      const sameWorkspace = settings?.workspaceUrl === url.value.href;
      // Another workspace's integrations, profile and notices must not linger (see LIFETIMES).
      if (!sameWorkspace) await clearStateFor('workspace-change');
      await writeState({
        settings: { ...settings, workspaceUrl: url.value.href, token: token.trim(), rememberToken },
        // A running flow's progress stays: it belongs to the workspace it started with.
        ...(deps.isFlowRunning() ? {} : { flow: IDLE }),
      });
      if (!sameWorkspace) await deps.showBadge([]);
      const reply = await checkProfile();
      if (reply.ok) await deps.checkHealth();
      return reply;
    },

    /**
     * Sign out: the token is forgotten (both stores), and with it everything it let the extension
     * see (see LIFETIMES); the workspace URL stays for the next sign-in. A running flow is cancelled
     * first.
     */
    async signOut() {
      await deps.stopFlow();
      const { settings } = await readState();
      await clearStateFor('sign-out');
      if (settings) {
        await writeState({
          settings: { ...settings, token: '' },
          profile: { status: 'failed', error: appError('not-configured'), checkedAt: Date.now() },
        });
      }
      await deps.showBadge([]);
      return { ok: true };
    },

    async setHealthInterval(minutes) {
      const { settings } = await readState();
      if (!settings) return { ok: false, error: appError('not-configured') };
      await writeState({ settings: { ...settings, healthCheckMinutes: minutes } });
      await deps.scheduleHealthChecks(minutes);
      return { ok: true };
    },
  };
}
