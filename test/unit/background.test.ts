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

describe('storage', () => {
  it('a token not to be remembered lives in session storage only, and reads back whole', async () => {
    const { storage } = await load();
    await storage.writeState({ settings: { ...settings, keepSignedIn: false } });
    expect(JSON.stringify(await local())).not.toContain('wc_secret');
    expect(await session()).toEqual({ sessionToken: 'wc_secret' });
    expect((await storage.readState()).settings?.token).toBe('wc_secret');

    await storage.writeState({ settings });
    expect((await local()).settings).toMatchObject({ token: 'wc_secret' });
    expect(await session()).toEqual({ sessionToken: '' });
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
    expect(state).toEqual({ settings, health });
    const stored = await local();
    expect(stored.schemaVersion).toBe(SCHEMA_VERSION);
    expect(stored).not.toHaveProperty('operation');
    expect(stored).not.toHaveProperty('flow');
  });
});

describe('account', () => {
  const deps = () => ({
    isFlowRunning: vi.fn(() => false),
    stopFlow: vi.fn(() => Promise.resolve()),
    checkHealth: vi.fn(() => Promise.resolve()),
    showBadge: vi.fn(() => Promise.resolve()),
    scheduleHealthChecks: vi.fn(() => Promise.resolve()),
  });
  const seed = () =>
    fakeBrowser.storage.local.set({
      schemaVersion: SCHEMA_VERSION,
      settings,
      profile: { status: 'failed', error: { code: 'timeout' }, checkedAt: 1 },
      health,
      notified: ['int_1'],
      operation: { kind: 'disconnect', integrationId: 'int_1', status: 'running' },
      flow: { phase: 'failed', flowId: 'f', kind: 'connect', startedAt: 1, finishedAt: 2, error: { code: 'cancelled' } },
    });

  it('sign-out stops the flow and forgets the workspace: settings, token (both stores), what it showed', async () => {
    await seed();
    const { account } = await load();
    const parts = deps();
    await account.createAccount(parts).signOut();
    expect(parts.stopFlow).toHaveBeenCalled();
    expect(parts.showBadge).toHaveBeenCalledWith([]);
    const stored = await local();
    expect(Object.keys(stored)).toEqual(['schemaVersion']);
    expect(await session()).toEqual({});
  });

  it('another workspace clears what the last one showed; the same workspace keeps it', async () => {
    // The site is not granted: the profile check fails without calling anything.
    fakeBrowser.permissions.contains = () => Promise.resolve(false);
    await seed();
    const { account } = await load();
    const parts = deps();
    const same = await account.createAccount(parts).saveSettings(settings.workspaceUrl, ' wc_new ', true);
    expect(same).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    let stored = await local();
    expect(stored.settings).toMatchObject({ token: 'wc_new' });
    expect(stored.health).toEqual(health);
    expect(stored.notified).toEqual(['int_1']);
    expect(stored.flow).toEqual({ phase: 'idle' });

    await account.createAccount(parts).saveSettings('https://other.example.com', 'wc_other', true);
    stored = await local();
    expect(stored.settings).toMatchObject({ workspaceUrl: 'https://other.example.com/' });
    expect(stored).not.toHaveProperty('health');
    expect(stored).not.toHaveProperty('notified');
    expect(stored).not.toHaveProperty('operation');
    expect(parts.showBadge).toHaveBeenCalledWith([]);
    expect(parts.checkHealth).not.toHaveBeenCalled();
  });

  it('a sign-in the worker stopped in the middle of is reported as interrupted, not left running', async () => {
    await fakeBrowser.storage.local.set({ schemaVersion: SCHEMA_VERSION, signIn: { status: 'running', startedAt: 1 } });
    const { account } = await load();
    await account.createAccount(deps()).recoverSignIn();
    expect((await local()).signIn).toEqual({ status: 'failed', error: { code: 'interrupted' } });
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
