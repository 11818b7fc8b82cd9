/**
 * The admin's workspaces and their accounts: signing in to one (with the workspace's sign-in page,
 * or an API token), which adds it; who they are there (the profile); switching, renaming, signing
 * out (which forgets the workspace); and how often integrations are checked.
 */
import browser from './browser';
import type { CommandReply } from '../shared/commands';
import { appError, type AppError } from '../shared/errors';
import { IDLE, isFlowRunning, type Settings } from '../shared/state';
import { workspaceAllowed } from '../shared/policy';
import { originPattern, parseWorkspaceUrl } from '../shared/workspace-url';
import { revocationOf, signInAt, storeAccess } from './sign-in';
import { clearState, forgetWorkspace, readState, readWorkspace, writeState, writeWorkspace } from './storage';
import { workspaceClient } from './workspace';

export interface AccountDeps {
  isFlowRunning: () => boolean;
  stopFlow: () => Promise<void>;
  checkHealth: () => Promise<void>;
  showBadge: () => Promise<void>;
  scheduleHealthChecks: () => Promise<void>;
}

export interface Account {
  /** Who the admin is in the active workspace. */
  checkProfile: () => Promise<CommandReply>;
  signIn: (workspaceUrl: string, keepSignedIn: boolean) => Promise<CommandReply>;
  saveSettings: (workspaceUrl: string, token: string, keepSignedIn: boolean) => Promise<CommandReply>;
  /** Signs out of a workspace (the active one when none is named) and forgets it. */
  signOut: (workspaceUrl?: string) => Promise<CommandReply>;
  switchTo: (workspaceUrl: string) => Promise<CommandReply>;
  rename: (workspaceUrl: string, name: string) => Promise<CommandReply>;
  /** A sign-in the worker was stopped in the middle of is reported, not left "running". */
  recoverSignIn: () => Promise<void>;
  setHealthInterval: (minutes: number) => Promise<CommandReply>;
}

const failure = (error: AppError): CommandReply => ({ ok: false, error });

export function createAccount(deps: AccountDeps): Account {
  let signingIn = false;

  async function checkProfileOf(workspaceUrl: string): Promise<CommandReply> {
    const workspace = await readWorkspace(workspaceUrl);
    if (!workspace) return failure(appError('not-configured'));
    const { settings, profile } = workspace;
    // A sign-in the workspace ended says so itself (and keeps the list): nothing to check until
    // the admin signs in again.
    if (settings.credential === 'sign-in' && settings.token === '' && profile?.status === 'failed') return failure(profile.error);
    await writeWorkspace(workspaceUrl, { profile: { status: 'checking' } });
    const client = await workspaceClient(settings);
    const me = client.ok ? await client.value.getMe() : client;
    // Forgotten meanwhile (signed out while the answer was on its way): nothing is written back.
    if (!(await readWorkspace(workspaceUrl))) return failure(appError('not-configured'));
    await writeWorkspace(workspaceUrl, {
      profile: me.ok
        ? { status: 'ready', me: me.value, checkedAt: Date.now() }
        : { status: 'failed', error: me.error, checkedAt: Date.now() },
    });
    return me.ok ? { ok: true } : failure(me.error);
  }

  /**
   * The flow belongs to the active workspace: no other becomes active until it is over (one left
   * in storage by a stopped worker counts too, until the new worker has resumed or reported it).
   */
  async function mayActivate(workspaceUrl: string): Promise<boolean> {
    const { activeWorkspace, flow } = await readState();
    return activeWorkspace === workspaceUrl || !(deps.isFlowRunning() || (flow !== undefined && isFlowRunning(flow)));
  }

  /** The extension now acts with this credential in this workspace: added if new, and active. */
  async function adopt(url: URL, credential: Pick<Settings, 'token' | 'credential' | 'keepSignedIn'>): Promise<CommandReply> {
    const workspaceUrl = url.href;
    const known = (await readWorkspace(workspaceUrl))?.settings;
    await writeWorkspace(workspaceUrl, {
      settings: {
        ...(known?.name ? { name: known.name } : {}),
        addedAt: known?.addedAt ?? Date.now(),
        workspaceUrl,
        ...credential,
      },
    });
    // A running flow's progress stays: it belongs to the workspace it started with (this one).
    await writeState({ activeWorkspace: workspaceUrl, ...(deps.isFlowRunning() ? {} : { flow: IDLE }) });
    const reply = await checkProfileOf(workspaceUrl);
    if (reply.ok) await deps.checkHealth();
    return reply;
  }

  /** Best effort: how the workspace is told to forget a sign-in the extension is letting go of. */
  const revocationOfHeld = (settings: Settings | undefined): Promise<() => Promise<unknown>> =>
    settings?.credential === 'sign-in' && settings.token !== ''
      ? revocationOf(settings.workspaceUrl, settings.token)
      : Promise.resolve(() => Promise.resolve());

  return {
    checkProfile: async () => {
      const { activeWorkspace } = await readState();
      return activeWorkspace ? checkProfileOf(activeWorkspace) : failure(appError('not-configured'));
    },

    async signIn(workspaceUrl, keepSignedIn) {
      const url = parseWorkspaceUrl(workspaceUrl);
      if (!url.ok) return failure(appError('not-configured', url.error));
      if (!workspaceAllowed((await readState()).policy, url.value.href)) return failure(appError('managed', 'workspace not preset'));
      if (signingIn) return failure(appError('in-progress'));
      if (!(await mayActivate(url.value.href))) return failure(appError('flow-running'));
      // The page asked for the origin with the admin's click; without it nothing can be reached.
      if (!(await browser.permissions.contains({ origins: [originPattern(url.value)] }))) return failure(appError('permission-denied'));
      signingIn = true;
      const where = { workspaceUrl: url.value.href };
      try {
        await writeState({ signIn: { ...where, status: 'running', startedAt: Date.now() } });
        const tokens = await signInAt(url.value);
        if (!tokens.ok) {
          await writeState({ signIn: { ...where, status: 'failed', error: tokens.error } });
          return failure(tokens.error);
        }
        // A sign-in it replaces is not revoked: the workspace may have issued both on one grant.
        await storeAccess(url.value.href, tokens.value.access);
        await clearState(['signIn']);
        return await adopt(url.value, { token: tokens.value.refreshToken, credential: 'sign-in', keepSignedIn });
      } finally {
        signingIn = false;
      }
    },

    async saveSettings(workspaceUrl, token, keepSignedIn) {
      const url = parseWorkspaceUrl(workspaceUrl);
      if (!url.ok) return failure(appError('not-configured', url.error));
      const { policy } = await readState();
      if (policy?.allowApiTokens === false) return failure(appError('managed', 'API tokens not allowed'));
      if (!workspaceAllowed(policy, url.value.href)) return failure(appError('managed', 'workspace not preset'));
      if (!(await mayActivate(url.value.href))) return failure(appError('flow-running'));
      // The sign-in this token replaces is revoked on the way (a slow workspace does not hold up the save).
      void revocationOfHeld((await readWorkspace(url.value.href))?.settings).then((revoke) => revoke());
      return adopt(url.value, { token: token.trim(), credential: 'api-token', keepSignedIn });
    },

    /**
     * Sign out: a sign-in is revoked at the workspace, and everything the extension kept of the
     * workspace goes (settings, tokens, profile, list). Signing out of the active workspace cancels
     * its running flow first, and the next workspace, if any, becomes active.
     */
    async signOut(workspaceUrl) {
      const { activeWorkspace, workspaces, signIn } = await readState();
      const target = workspaceUrl ?? activeWorkspace;
      const workspace = workspaces.find((w) => w.settings.workspaceUrl === target);
      if (!target || !workspace) return { ok: true };
      const active = target === activeWorkspace;
      if (active) await deps.stopFlow();
      const revoke = await revocationOfHeld(workspace.settings);
      // Forgotten at once; then the workspace is told, which a slow one cannot hold up.
      await forgetWorkspace(target);
      if (signIn?.workspaceUrl === target && !signingIn) await clearState(['signIn']);
      if (active) {
        const next = workspaces.find((w) => w !== workspace)?.settings.workspaceUrl;
        if (next) await writeState({ activeWorkspace: next, flow: IDLE });
        else await clearState(['activeWorkspace', 'flow']);
      }
      await deps.showBadge();
      await revoke();
      return { ok: true };
    },

    async switchTo(workspaceUrl) {
      const { activeWorkspace, workspaces } = await readState();
      if (workspaceUrl === activeWorkspace) return { ok: true };
      if (!workspaces.some((w) => w.settings.workspaceUrl === workspaceUrl)) return failure(appError('not-configured'));
      if (!(await mayActivate(workspaceUrl))) return failure(appError('flow-running'));
      // The last flow's outcome was the other workspace's.
      await writeState({ activeWorkspace: workspaceUrl, flow: IDLE });
      await deps.checkHealth();
      return { ok: true };
    },

    async rename(workspaceUrl, name) {
      const settings = (await readWorkspace(workspaceUrl))?.settings;
      if (!settings) return failure(appError('not-configured'));
      const { name: _previous, ...rest } = settings;
      // An empty name gives the workspace its own name back.
      await writeWorkspace(workspaceUrl, { settings: name.trim() ? { ...rest, name: name.trim() } : rest });
      await deps.showBadge();
      return { ok: true };
    },

    async recoverSignIn() {
      const { signIn } = await readState();
      if (signIn?.status === 'running' && !signingIn) {
        await writeState({ signIn: { workspaceUrl: signIn.workspaceUrl, status: 'failed', error: appError('interrupted') } });
      }
    },

    async setHealthInterval(minutes) {
      const { policy } = await readState();
      if (policy?.healthCheckMinutes !== undefined) return failure(appError('managed', 'interval set by policy'));
      await writeState({ healthCheckMinutes: minutes });
      await deps.scheduleHealthChecks();
      return { ok: true };
    },
  };
}
