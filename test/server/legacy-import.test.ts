/** A data folder of the JSON-store releases is imported once: the same tokens sign in, the same integrations are listed. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer, testStorage } from './helpers';

// What 0.1.0's reference workspace wrote to DATA_DIR/workspace.json.
const legacy = {
  workspace: { id: 'ws_legacy', name: 'Legacy Analytics' },
  users: [
    { id: 'usr_l_admin', name: 'Lee Admin', email: 'lee@legacy.test', role: 'admin', token: 'wc_legacy_admin' },
    { id: 'usr_l_std', name: 'Sol Member', email: 'sol@legacy.test', role: 'standard', token: 'wc_legacy_member' },
  ],
  integrations: [
    {
      id: 'int_legacy1',
      provider: 'stripe',
      status: 'expired',
      stripeAccountId: 'acct_1AcmeStoreTest00',
      stripeAccountName: 'Acme Store',
      livemode: false,
      connectedAt: '2026-10-01T10:00:00.000Z',
      lastSyncAt: '2026-11-01T10:00:00.000Z',
      problem: { code: 'expired' },
    },
  ],
  secrets: { int_legacy1: { accessToken: 'sk_test_legacyaccess', refreshToken: 'rt_legacyrefresh' } },
  sessions: [
    { id: 'cs_old', userId: 'usr_l_admin', state: 's', redirectUri: 'x', integrationId: null, createdAt: '', expiresAt: '', closed: true },
  ],
  idempotency: {},
};

describe('importing a JSON-store data folder', () => {
  it('brings the workspace, its people and integrations over once, with tokens hashed and credentials sealed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wc-legacy-'));
    await writeFile(join(dataDir, 'workspace.json'), JSON.stringify(legacy, null, 2));
    const t = await startTestServer({ dataDir, ...(await testStorage()) });
    try {
      const me = await t.api('/api/v1/me', { token: 'wc_legacy_admin' });
      expect(await me.json()).toMatchObject({ user: { name: 'Lee Admin' }, workspace: { name: 'Legacy Analytics' }, role: 'admin' });
      expect(await (await t.api('/api/v1/me', { token: 'wc_legacy_member' })).json()).toMatchObject({ role: 'standard' });
      const list = (await (await t.api('/api/v1/integrations', { token: 'wc_legacy_admin' })).json()) as { integrations: unknown[] };
      expect(list.integrations).toEqual([
        {
          id: 'int_legacy1',
          provider: 'stripe',
          status: 'expired',
          stripeAccountId: 'acct_1AcmeStoreTest00',
          stripeAccountName: 'Acme Store',
          livemode: false,
          connectedAt: '2026-10-01T10:00:00.000Z',
          lastSyncAt: '2026-11-01T10:00:00.000Z',
          reason: 'Stripe no longer accepts this connection’s credentials. Reauthenticate to resume syncing.',
          // Nothing imported yet: it waits for the admin to reauthenticate.
          sync: { importing: true, objects: [] },
        },
      ]);
      const stored = JSON.stringify(
        [...(await t.server.db.query('SELECT * FROM stripe_credentials')), ...(await t.server.db.query('SELECT * FROM api_tokens'))],
        (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value),
      );
      for (const secret of ['sk_test_legacyaccess', 'rt_legacyrefresh', 'wc_legacy_admin']) expect(stored).not.toContain(secret);
      // Done once: the file is put aside.
      expect((await readdir(dataDir)).filter((f) => f.startsWith('workspace.json'))).toEqual(['workspace.json.imported']);
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
