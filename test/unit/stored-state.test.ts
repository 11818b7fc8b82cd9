/** The stored state's contract: what the current release writes migrates, parses and expires as declared. */
import { describe, expect, it } from 'vitest';
import { stateFromStorage } from '../../src/shared/state';
import { migrate, parseStoredState, SCHEMA_VERSION } from '../../src/shared/stored-state';
import { integrationFixture } from './fixtures';

/** State exactly as the release before versioning (0.1.0, schema 0) wrote it, mid-completion. */
const writtenByRelease010 = {
  settings: { workspaceUrl: 'https://analytics.example.com/', token: 'wc_token', rememberToken: true, healthCheckMinutes: 30 },
  profile: {
    status: 'ready',
    me: { user: { id: 'u', name: 'Ana', email: 'ana@example.com' }, workspace: { id: 'w', name: 'Acme' }, role: 'admin' },
    checkedAt: 1764100000000,
  },
  flow: {
    flowId: 'f1',
    kind: 'reauthenticate',
    integrationId: 'int_1',
    startedAt: 1764100000000,
    phase: 'completing',
    pending: {
      sessionId: 'cs_1',
      body: { code: 'ac_1', state: 's' },
      idempotencyKey: 'k1',
      grantedAt: 1764100001000,
      attempts: 1,
      lastError: { code: 'timeout' },
      nextAttemptAt: 1764100003000,
    },
  },
  health: { integrations: [integrationFixture({ status: 'expired', reason: 'why' })], etag: '"v1"', checkedAt: 1764100000000 },
  operation: null,
  notified: ['int_1'],
};

const URL_A = 'https://analytics.example.com/';

/** State exactly as release 0.2 (schema 2, one workspace, signed in with it) writes it. */
const writtenByRelease02 = {
  schemaVersion: 2,
  settings: { workspaceUrl: URL_A, token: 'refresh-1', credential: 'sign-in', healthCheckMinutes: 5, keepSignedIn: true },
  profile: writtenByRelease010.profile,
  health: { ...writtenByRelease010.health, error: { code: 'timeout' } },
  notified: ['int_1'],
  operation: { kind: 'disconnect', integrationId: 'int_2', status: 'failed', error: { code: 'server-error' } },
  flow: { flowId: 'f2', kind: 'connect', startedAt: 1, phase: 'succeeded', integration: integrationFixture(), finishedAt: 2 },
  signIn: { status: 'failed', error: { code: 'sign-in-cancelled' } },
  policy: { workspaces: [{ url: URL_A, name: 'Acme' }], allowApiTokens: false },
};

describe('stored state', () => {
  it('migrates what release 0.1 wrote to this version, keeping every key', () => {
    const { state, from, to } = migrate(structuredClone(writtenByRelease010));
    expect([from, to]).toEqual([0, SCHEMA_VERSION]);
    expect(state).not.toHaveProperty('operation'); // "none" is the key's absence now
    const { state: parsed, invalid } = parseStoredState(state);
    expect(invalid).toEqual([]);
    expect(parsed.flow).toEqual(writtenByRelease010.flow); // the pending completion survives the update
    // "Remember the token" is "keep me signed in" now (schema 2), with the same answer; the check
    // interval is the extension's (schema 3).
    const { rememberToken, healthCheckMinutes, ...settings } = writtenByRelease010.settings;
    expect(parsed.settings).toEqual({ ...settings, keepSignedIn: rememberToken });
    expect(parsed.healthCheckMinutes).toBe(healthCheckMinutes);
    expect(parsed.activeWorkspace).toBe(URL_A);
    expect(parsed.health?.integrations).toHaveLength(1);
    expect(parsed.notified).toEqual(['int_1']);
  });

  it('migrates what the current release (0.2, one workspace) writes: the workspace and everything of it is still there, as the active one', () => {
    const { state } = migrate(structuredClone(writtenByRelease02));
    const { settings, profile, health, notified, operation, flow, policy } = writtenByRelease02;
    const { healthCheckMinutes, ...kept } = settings;
    // Each of the workspace's keys is its own now.
    expect(state).toEqual({
      schemaVersion: 2,
      activeWorkspace: URL_A,
      healthCheckMinutes,
      [`settings@${URL_A}`]: kept,
      [`profile@${URL_A}`]: profile,
      [`health@${URL_A}`]: health,
      [`notified@${URL_A}`]: notified,
      [`operation@${URL_A}`]: operation,
      flow,
      policy,
    });
    const { state: parsed, invalid } = parseStoredState(state);
    expect(invalid).toEqual([]);
    expect(parsed).toMatchObject({ settings: kept, profile, health, notified, operation, flow, policy, healthCheckMinutes });
    expect(parsed.workspaces).toEqual([{ settings: kept, profile, health, notified, operation }]);
  });

  it('schema 1 (a token the admin chose not to remember) migrates with that choice kept', () => {
    const { state } = migrate({ schemaVersion: 1, settings: { workspaceUrl: 'https://a.example/', token: '', rememberToken: false } });
    expect(parseStoredState(state).state.settings).toEqual({ workspaceUrl: 'https://a.example/', token: '', keepSignedIn: false });
  });

  it('nothing set up migrates to nothing: no workspace, none active', () => {
    const { state } = migrate({ schemaVersion: 2, notified: [], flow: { phase: 'idle' } });
    expect(state).toEqual({ schemaVersion: 2, flow: { phase: 'idle' } });
    expect(parseStoredState(state).state.workspaces).toEqual([]);
  });

  it('leaves out a key that does not parse, and only that key', () => {
    const { state, invalid } = parseStoredState({
      ...migrate(structuredClone(writtenByRelease010)).state,
      flow: { phase: 'completing', pending: 'not a completion' },
      [`profile@${URL_A}`]: { status: 'ready', me: { user: 'Ana' }, checkedAt: 1 },
    });
    expect(invalid.sort()).toEqual(['flow', `profile@${URL_A}`]);
    expect(state).not.toHaveProperty('flow');
    expect(state).not.toHaveProperty('profile');
    expect(state.settings?.token).toBe('wc_token');
    expect(state.health?.etag).toBe('"v1"');
  });

  it('a newer version (a downgrade) is not migrated backwards', () => {
    const newer = { schemaVersion: SCHEMA_VERSION + 1, notified: [] };
    expect(migrate(newer)).toEqual({ state: newer, from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1 });
  });

  it('gathers each workspace from its keys, in the order added, the active one at the top', () => {
    const B = 'https://b.example/';
    const settings = (url: string, addedAt: number) => ({ workspaceUrl: url, token: 't', addedAt });
    const state = stateFromStorage({
      schemaVersion: SCHEMA_VERSION,
      [`settings@${B}`]: settings(B, 2),
      [`health@${B}`]: { integrations: [], etag: null, checkedAt: 1 },
      [`settings@${URL_A}`]: settings(URL_A, 1),
      // A workspace's key without its settings (half forgotten) is no workspace.
      [`health@https://gone.example/`]: { integrations: [], etag: null, checkedAt: 1 },
      activeWorkspace: B,
      somethingElse: 1,
    });
    expect(state.workspaces.map((w) => w.settings.workspaceUrl)).toEqual([URL_A, B]);
    expect(state.settings?.workspaceUrl).toBe(B);
    expect(state.health).toEqual({ integrations: [], etag: null, checkedAt: 1 });
    expect(state).not.toHaveProperty('somethingElse');
  });
});
