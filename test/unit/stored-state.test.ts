/** The stored state's contract: what the current release writes migrates, parses and expires as declared. */
import { describe, expect, it } from 'vitest';
import { keysClearedOn, migrate, parseStoredState, SCHEMA_VERSION } from '../../src/shared/stored-state';
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

describe('stored state', () => {
  it('migrates what the current release writes to this version, keeping every key', () => {
    const { state, from, to } = migrate(structuredClone(writtenByRelease010));
    expect([from, to]).toEqual([0, SCHEMA_VERSION]);
    expect(state).not.toHaveProperty('operation'); // "none" is the key's absence now
    const { state: parsed, invalid } = parseStoredState(state);
    expect(invalid).toEqual([]);
    expect(parsed.flow).toEqual(writtenByRelease010.flow); // the pending completion survives the update
    // "Remember the token" is "keep me signed in" now (schema 2), with the same answer.
    const { rememberToken, ...settings } = writtenByRelease010.settings;
    expect(parsed.settings).toEqual({ ...settings, keepSignedIn: rememberToken });
    expect(parsed.health?.integrations).toHaveLength(1);
    expect(parsed.notified).toEqual(['int_1']);
  });

  it('schema 1 (a token the admin chose not to remember) migrates to 2 with that choice kept', () => {
    const { state } = migrate({ schemaVersion: 1, settings: { workspaceUrl: 'https://a.example/', token: '', rememberToken: false } });
    expect(parseStoredState(state).state.settings).toEqual({ workspaceUrl: 'https://a.example/', token: '', keepSignedIn: false });
  });

  it('a disconnect in progress is kept by the migration', () => {
    const running = { kind: 'disconnect', integrationId: 'int_1', status: 'running' };
    expect(migrate({ operation: running }).state.operation).toEqual(running);
  });

  it('leaves out a key that does not parse, and only that key', () => {
    const { state, invalid } = parseStoredState({
      ...migrate(structuredClone(writtenByRelease010)).state,
      flow: { phase: 'completing', pending: 'not a completion' },
      profile: { status: 'ready', me: { user: 'Ana' }, checkedAt: 1 },
    });
    expect(invalid.sort()).toEqual(['flow', 'profile']);
    expect(state).not.toHaveProperty('flow');
    expect(state.settings?.token).toBe('wc_token');
    expect(state.health?.etag).toBe('"v1"');
  });

  it('a newer version (a downgrade) is not migrated backwards', () => {
    const newer = { schemaVersion: SCHEMA_VERSION + 1, notified: [] };
    expect(migrate(newer)).toEqual({ state: newer, from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1 });
  });

  it('declares what a workspace change and a sign-out end', () => {
    expect(keysClearedOn('workspace-change').sort()).toEqual(['health', 'notified', 'operation', 'profile', 'signIn']);
    // Sign-out forgets the workspace altogether.
    expect(keysClearedOn('sign-out').sort()).toEqual(['flow', 'health', 'notified', 'operation', 'profile', 'settings', 'signIn']);
  });
});
