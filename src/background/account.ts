/**
 * The admin's account with the workspace: signing in (with the workspace's sign-in page, or an
 * API token), who they are (the profile), signing out, and how often integrations are checked.
 */
import browser from './browser';
import type { CommandReply } from '../shared/commands';
import { appError, type AppError } from '../shared/errors';
import { IDLE, type Settings } from '../shared/state';
import { workspaceAllowed } from '../shared/policy';
import { originPattern, parseWorkspaceUrl } from '../shared/workspace-url';
import { revocationOf, signInAt, storeAccess } from './sign-in';
import { clearSessionSecrets, clearState, clearStateFor, readState, writeState } from './storage';
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
  signIn: (workspaceUrl: string, keepSignedIn: boolean) => Promise<CommandReply>;
  saveSettings: (workspaceUrl: string, token: string, keepSignedIn: boolean) => Promise<CommandReply>;
  signOut: () => Promise<CommandReply>;
  /** A sign-in the worker was stopped in the middle of is reported, not left "running". */
  recoverSignIn: () => Promise<void>;
  setHealthInterval: (minutes: number) => Promise<CommandReply>;
}

const failure = (error: AppError): CommandReply => ({ ok: false, error });

export function createAccount(deps: AccountDeps): Account {
  let signingIn = false;

  async function checkProfile(): Promise<CommandReply> {
    const { settings, profile } = await readState();
    // A sign-in the workspace ended says so itself (and keeps the list): nothing to check until
    // the admin signs in again.
    if (settings?.credential === 'sign-in' && settings.token === '' && profile?.status === 'failed') return failure(profile.error);
    await writeState({ profile: { status: 'checking' } });
    const client = await currentWorkspaceClient();
    if (!client.ok) {
      await writeState({ profile: { status: 'failed', error: client.error, checkedAt: Date.now() } });
      return failure(client.error);
    }
    const me = await client.value.getMe();
    await writeState({
      profile: me.ok
        ? { status: 'ready', me: me.value, checkedAt: Date.now() }
        : { status: 'failed', error: me.error, checkedAt: Date.now() },
    });
    return me.ok ? { ok: true } : failure(me.error);
  }

  /** The extension now acts with this credential: another workspace's state goes, the new one is checked. */
  async function adopt(url: URL, credential: Pick<Settings, 'token' | 'credential' | 'keepSignedIn'>): Promise<CommandReply> {
    const { settings } = await readState();
    const sameWorkspace = settings?.workspaceUrl === url.href;
    // Another workspace's integrations, profile and notices must not linger (see LIFETIMES).
    if (!sameWorkspace) await clearStateFor('workspace-change');
    await writeState({
      settings: {
        ...(settings?.healthCheckMinutes ? { healthCheckMinutes: settings.healthCheckMinutes } : {}),
        workspaceUrl: url.href,
        ...credential,
      },
      // A running flow's progress stays: it belongs to the workspace it started with.
      ...(deps.isFlowRunning() ? {} : { flow: IDLE }),
    });
    if (!sameWorkspace) await deps.showBadge([]);
    const reply = await checkProfile();
    if (reply.ok) await deps.checkHealth();
    return reply;
  }

  /** Best effort: how the workspace is told to forget a sign-in the extension is letting go of. */
  const revocationOfHeld = (settings: Settings | undefined): Promise<() => Promise<unknown>> =>
    settings?.credential === 'sign-in' && settings.token !== ''
      ? revocationOf(settings.workspaceUrl, settings.token)
      : Promise.resolve(() => Promise.resolve());

  return {
    checkProfile,

    async signIn(workspaceUrl, keepSignedIn) {
      const url = parseWorkspaceUrl(workspaceUrl);
      if (!url.ok) return failure(appError('not-configured', url.error));
      if (!workspaceAllowed((await readState()).policy, url.value.href)) return failure(appError('managed', 'workspace not preset'));
      if (signingIn) return failure(appError('in-progress'));
      // The page asked for the origin with the admin's click; without it nothing can be reached.
      if (!(await browser.permissions.contains({ origins: [originPattern(url.value)] }))) return failure(appError('permission-denied'));
      signingIn = true;
      try {
        await writeState({ signIn: { status: 'running', startedAt: Date.now() } });
        const tokens = await signInAt(url.value);
        if (!tokens.ok) {
          await writeState({ signIn: { status: 'failed', error: tokens.error } });
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
      const { settings, policy } = await readState();
      if (policy?.allowApiTokens === false) return failure(appError('managed', 'API tokens not allowed'));
      if (!workspaceAllowed(policy, url.value.href)) return failure(appError('managed', 'workspace not preset'));
      // The sign-in this token replaces is revoked on the way (a slow workspace does not hold up the save).
      void revocationOfHeld(settings).then((revoke) => revoke());
      return adopt(url.value, { token: token.trim(), credential: 'api-token', keepSignedIn });
    },

    /**
     * Sign out: a sign-in is revoked at the workspace, and everything the extension kept of the
     * workspace goes (settings, tokens, profile, list; see LIFETIMES). A running flow is cancelled
     * first.
     */
    async signOut() {
      await deps.stopFlow();
      const { settings } = await readState();
      const revoke = await revocationOfHeld(settings);
      // Forgotten at once; then the workspace is told, which a slow one cannot hold up.
      await clearStateFor('sign-out');
      await clearSessionSecrets();
      await deps.showBadge([]);
      await revoke();
      return { ok: true };
    },

    async recoverSignIn() {
      const { signIn } = await readState();
      if (signIn?.status === 'running' && !signingIn) await writeState({ signIn: { status: 'failed', error: appError('interrupted') } });
    },

    async setHealthInterval(minutes) {
      const { settings, policy } = await readState();
      if (!settings) return failure(appError('not-configured'));
      if (policy?.healthCheckMinutes !== undefined) return failure(appError('managed', 'interval set by policy'));
      await writeState({ settings: { ...settings, healthCheckMinutes: minutes } });
      await deps.scheduleHealthChecks(minutes);
      return { ok: true };
    },
  };
}
