/**
 * The service worker's parts with an in-memory browser (@webext-core/fake-browser): the sender
 * guard and command dispatch, the token split between local and session storage, the migration
 * on first read, and what settings changes and sign-out keep and clear.
 */
import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandHandlers } from '../../src/background/command-handler';
import { SCHEMA_VERSION } from '../../src/shared/stored-state';
import { integrationFixture } from './fixtures';

vi.mock('../../src/background/browser', () => ({ default: fakeBrowser }));

/** Fresh modules per test: storage.ts migrates once per worker start. */
const load = async () => {
  vi.resetModules();
  return {
    storage: await import('../../src/background/storage'),
    account: await import('../../src/background/account'),
    commands: await import('../../src/background/command-handler'),
  };
};

const local = () => fakeBrowser.storage.local.get(null);
const session = () => fakeBrowser.storage.session.get(null);

const settings = { workspaceUrl: 'https://analytics.example.com/', token: 'wc_secret', keepSignedIn: true };
const health = { integrations: [integrationFixture({ status: 'expired', reason: 'why' })], etag: '"v1"', checkedAt: 1 };

beforeEach(() => {
  fakeBrowser.reset();
});

describe('command handler', () => {
  const TYPES = [
    'connect',
    'reauthenticate',
    'save-settings',
    'sign-in',
    'focus-flow',
    'cancel-flow',
    'check-profile',
    'sign-out',
    'switch-workspace',
    'rename-workspace',
    'dismiss-flow',
    'popup-opened',
    'check-health',
    'disconnect',
    'set-health-interval',
  ] as const;
  const handlers = () => {
    const spies = Object.fromEntries(TYPES.map((type) => [type, vi.fn(() => Promise.resolve({ ok: true as const }))]));
    return spies as unknown as CommandHandlers & Record<(typeof TYPES)[number], ReturnType<typeof vi.fn>>;
  };

  it('ignores messages from anyone but this extension: no handler runs, no reply is sent', async () => {
    const { commands } = await load();
    const spies = handlers();
    const handle = commands.createCommandHandler(spies, 'our-id');
    expect(handle({ type: 'sign-out' }, { id: 'someone-else' })).toBeUndefined();
    expect(handle({ type: 'sign-out' }, {})).toBeUndefined();
    expect(spies['sign-out']).not.toHaveBeenCalled();
  });

  it('refuses what is not a command, and runs the one handler of a command', async () => {
    const { commands } = await load();
    const spies = handlers();
    const handle = commands.createCommandHandler(spies, 'our-id');
    await expect(handle({ type: 'format-disk' }, { id: 'our-id' })).resolves.toMatchObject({ ok: false, error: { code: 'unknown' } });
    await expect(handle({ type: 'disconnect', integrationId: '' }, { id: 'our-id' })).resolves.toMatchObject({ ok: false });
    await expect(handle({ type: 'disconnect', integrationId: 'int_1' }, { id: 'our-id' })).resolves.toEqual({ ok: true });
    expect(spies.disconnect).toHaveBeenCalledWith({ type: 'disconnect', integrationId: 'int_1' });
    expect(Object.values(spies).filter((spy) => spy.mock.calls.length > 0)).toHaveLength(1);
  });
});

const URL_A = settings.workspaceUrl;
const at = (key: string, url = URL_A) => `${key}@${url}`;

describe('storage', () => {
  it('a token not to be remembered lives in session storage only, and reads back whole', async () => {
    const { storage } = await load();
    await storage.writeWorkspace(URL_A, { settings: { ...settings, keepSignedIn: false } });
    await storage.writeState({ activeWorkspace: URL_A });
    expect(JSON.stringify(await local())).not.toContain('wc_secret');
    expect(await session()).toEqual({ [at('sessionToken')]: 'wc_secret' });
    expect((await storage.readState()).settings?.token).toBe('wc_secret');
    expect((await storage.readWorkspace(URL_A))?.settings.token).toBe('wc_secret');

    await storage.writeWorkspace(URL_A, { settings });
    expect((await local())[at('settings')]).toMatchObject({ token: 'wc_secret' });
    expect(await session()).toEqual({ [at('sessionToken')]: '' });
  });

  it('the first read migrates what an earlier release stored and drops what no longer parses', async () => {
    // Release 0.1's shape: no schemaVersion, `operation: null`, "remember the token".
    const { keepSignedIn, ...released } = settings;
    await fakeBrowser.storage.local.set({
      settings: { ...released, rememberToken: keepSignedIn },
      health,
      operation: null,
      flow: { phase: 'nonsense' },
    });
    const { storage } = await load();
    const state = await storage.readState();
    expect(state).toEqual({ settings, health, activeWorkspace: URL_A, workspaces: [{ settings, health }] });
    const stored = await local();
    expect(stored).toEqual({ schemaVersion: SCHEMA_VERSION, activeWorkspace: URL_A, [at('settings')]: settings, [at('health')]: health });
  });
});

describe('account', () => {
  const URL_B = 'https://other.example.com/';
  const deps = () => ({
    isFlowRunning: vi.fn(() => false),
    stopFlow: vi.fn(() => Promise.resolve()),
    checkHealth: vi.fn(() => Promise.resolve()),
    showBadge: vi.fn(() => Promise.resolve()),
    scheduleHealthChecks: vi.fn(() => Promise.resolve()),
  });
  const failedFlow = { phase: 'failed', flowId: 'f', kind: 'connect', startedAt: 1, finishedAt: 2, error: { code: 'cancelled' } };
  const seed = () =>
    fakeBrowser.storage.local.set({
      schemaVersion: SCHEMA_VERSION,
      activeWorkspace: URL_A,
      [at('settings')]: { ...settings, addedAt: 1 },
      [at('profile')]: { status: 'failed', error: { code: 'timeout' }, checkedAt: 1 },
      [at('health')]: health,
      [at('notified')]: ['int_1'],
      [at('operation')]: { kind: 'disconnect', integrationId: 'int_1', status: 'running' },
      flow: failedFlow,
    });
  const seedSecond = () =>
    fakeBrowser.storage.local.set({
      [at('settings', URL_B)]: { workspaceUrl: URL_B, token: 'wc_b', addedAt: 2 },
      [at('health', URL_B)]: health,
    });

  it('sign-out stops the flow and forgets the workspace: settings, token (both stores), what it showed', async () => {
    await seed();
    await fakeBrowser.storage.session.set({ [at('access')]: { token: 'a' } });
    const { account } = await load();
    const parts = deps();
    await account.createAccount(parts).signOut();
    expect(parts.stopFlow).toHaveBeenCalled();
    expect(parts.showBadge).toHaveBeenCalled();
    const stored = await local();
    expect(Object.keys(stored)).toEqual(['schemaVersion']);
    expect(await session()).toEqual({});
  });

  it('signing out of the active workspace shows the next one; signing out of another leaves the active one and its flow alone', async () => {
    await seed();
    await seedSecond();
    const { account } = await load();
    const parts = deps();
    await account.createAccount(parts).signOut(URL_B);
    expect(parts.stopFlow).not.toHaveBeenCalled();
    let stored = await local();
    expect(Object.keys(stored).filter((key) => key.endsWith(URL_B))).toEqual([]);
    expect(stored).toMatchObject({ activeWorkspace: URL_A, flow: failedFlow, [at('health')]: health });

    await seedSecond();
    await account.createAccount(parts).signOut(URL_A);
    stored = await local();
    expect(Object.keys(stored).filter((key) => key.endsWith(URL_A))).toEqual([]);
    expect(stored).toMatchObject({ activeWorkspace: URL_B, flow: { phase: 'idle' }, [at('health', URL_B)]: health });
  });

  it('a new workspace is added beside the last one and shown; the same workspace keeps what it showed', async () => {
    // The site is not granted: the profile check fails without calling anything.
    fakeBrowser.permissions.contains = () => Promise.resolve(false);
    await seed();
    const { account } = await load();
    const parts = deps();
    const same = await account.createAccount(parts).saveSettings(settings.workspaceUrl, ' wc_new ', true);
    expect(same).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    let stored = await local();
    expect(stored[at('settings')]).toMatchObject({ token: 'wc_new', addedAt: 1 });
    expect(stored[at('health')]).toEqual(health);
    expect(stored[at('notified')]).toEqual(['int_1']);
    expect(stored.flow).toEqual({ phase: 'idle' });

    await account.createAccount(parts).saveSettings('https://other.example.com', 'wc_other', true);
    stored = await local();
    expect(stored.activeWorkspace).toBe(URL_B);
    expect(stored[at('settings', URL_B)]).toMatchObject({ workspaceUrl: URL_B, token: 'wc_other', credential: 'api-token' });
    // The first workspace is all there, behind the new one.
    expect(stored[at('settings')]).toMatchObject({ token: 'wc_new' });
    expect(stored[at('health')]).toEqual(health);
    expect(stored).not.toHaveProperty(at('health', URL_B));
    expect(parts.checkHealth).not.toHaveBeenCalled();
  });

  it('switching shows another workspace, and waits for a running flow; renaming names it, an empty name gives its own back', async () => {
    await seed();
    await seedSecond();
    const { account } = await load();
    const running = account.createAccount({ ...deps(), isFlowRunning: () => true });
    await expect(running.switchTo(URL_B)).resolves.toMatchObject({ ok: false, error: { code: 'flow-running' } });
    expect((await local()).activeWorkspace).toBe(URL_A);
    // A flow a stopped worker left in storage, not yet resumed by this one, holds it too.
    await fakeBrowser.storage.local.set({ flow: { phase: 'starting', flowId: 'f2', kind: 'connect', startedAt: 3 } });
    await expect(account.createAccount(deps()).switchTo(URL_B)).resolves.toMatchObject({ ok: false, error: { code: 'flow-running' } });
    await fakeBrowser.storage.local.set({ flow: failedFlow });

    const parts = deps();
    const accounts = account.createAccount(parts);
    await expect(accounts.switchTo('https://never-added.example/')).resolves.toMatchObject({
      ok: false,
      error: { code: 'not-configured' },
    });
    await expect(accounts.switchTo(URL_B)).resolves.toEqual({ ok: true });
    expect(await local()).toMatchObject({ activeWorkspace: URL_B, flow: { phase: 'idle' } });
    expect(parts.checkHealth).toHaveBeenCalled();

    await accounts.rename(URL_A, '  Client A  ');
    expect((await local())[at('settings')]).toMatchObject({ name: 'Client A', token: 'wc_secret' });
    await accounts.rename(URL_A, '');
    expect((await local())[at('settings')]).not.toHaveProperty('name');
  });

  it('a sign-in the worker stopped in the middle of is reported as interrupted, not left running', async () => {
    await fakeBrowser.storage.local.set({
      schemaVersion: SCHEMA_VERSION,
      signIn: { workspaceUrl: URL_A, status: 'running', startedAt: 1 },
    });
    const { account } = await load();
    await account.createAccount(deps()).recoverSignIn();
    expect((await local()).signIn).toEqual({ workspaceUrl: URL_A, status: 'failed', error: { code: 'interrupted' } });
  });

  it('a running flow keeps its progress when the settings are saved', async () => {
    await seed();
    const running = { phase: 'starting', flowId: 'f2', kind: 'connect', startedAt: 3 };
    await fakeBrowser.storage.local.set({ flow: running });
    fakeBrowser.permissions.contains = () => Promise.resolve(false);
    const { account } = await load();
    await account.createAccount({ ...deps(), isFlowRunning: () => true }).saveSettings(settings.workspaceUrl, 'wc_secret', true);
    expect((await local()).flow).toEqual(running);
  });
});
