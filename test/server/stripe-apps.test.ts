/**
 * Stripe Apps OAuth on the reference workspace: live and test install links, tokens that expire
 * and rotate, refreshed once at a time per integration (also by two instances on one PostgreSQL),
 * a refused refresh, uninstall, and one install per Stripe account.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator, type TokenGrant } from '../../server/dev/stripe-emulator';
import { findCredentials } from '../../server/src/data/credentials';
import { createWorkspace } from '../../server/src/data/workspaces';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';
import { createDatabase } from '../../scripts/postgres';
import { expectContract } from './contract';
import { authorizeOnEmulator, postgresUrl, REDIRECT_URI, startTestServer, TEST_ENCRYPTION_KEY } from './helpers';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Integration = {
  id: string;
  status: string;
  stripeAccountId: string;
  stripeAccountName: string | null;
  livemode: boolean;
  reason: string | null;
};
const GLOBEX_TOKEN = 'wc_globex_admin_token';
const HOUR = 3600;

describe('Stripe Apps OAuth', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const t = await startTestServer({ testControls: true, ...options });
    cleanup.push(() => t.close());
    return t;
  }

  async function connect(
    t: TestServer,
    options: { email?: string; mode?: 'live' | 'test'; integrationId?: string; token?: string; language?: string } = {},
  ) {
    const token = options.token ?? DEMO_ADMIN_TOKEN;
    const started = await t.api('/api/v1/connect-sessions', {
      method: 'POST',
      token,
      body: JSON.stringify({
        provider: 'stripe',
        redirectUri: REDIRECT_URI,
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.integrationId ? { integrationId: options.integrationId } : {}),
      }),
    });
    const session = (await expectContract('POST', '/api/v1/connect-sessions', started)) as { id: string; authorizeUrl: string };
    const redirect = await authorizeOnEmulator(session.authorizeUrl, { email: options.email ?? 'owner@acme.test' });
    const answer = await t.api(`/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': `key-${session.id}`, ...(options.language ? { 'Accept-Language': options.language } : {}) },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    return {
      session,
      status: answer.status,
      integration: (await expectContract('POST', '/api/v1/connect-sessions/{sessionId}/complete', answer)) as Integration,
    };
  }

  async function listed(t: TestServer, token = DEMO_ADMIN_TOKEN, language = 'en'): Promise<Integration[]> {
    const response = await t.api('/api/v1/integrations', { token, headers: { 'Accept-Language': language } });
    return ((await expectContract('GET', '/api/v1/integrations', response)) as { integrations: Integration[] }).integrations;
  }

  const control = async (t: TestServer, path: string, body: unknown = {}) => {
    const response = await fetch(`${t.server.url}/__test${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const emulatorControl = (emulator: StripeEmulator | string, accountId: string, action: string) =>
    fetch(`${typeof emulator === 'string' ? emulator : emulator.url}/__emulator/accounts/${accountId}/${action}`, { method: 'POST' });
  const refreshes = (emulator: StripeEmulator, accountId?: string): TokenGrant[] =>
    emulator.grants.filter((g) => g.grantType === 'refresh_token' && (accountId === undefined || g.accountId === accountId));

  it('offers live and test install links; test mode connects test data, and a mode not offered is refused', async () => {
    const t = await server();
    const me = (await expectContract('GET', '/api/v1/me', await t.api('/api/v1/me'))) as { workspace: { stripeModes: string[] } };
    expect(me.workspace.stripeModes).toEqual(['live', 'test']);

    const live = await connect(t);
    expect(new URL(live.session.authorizeUrl).pathname).toBe('/oauth/v2/chnlink_1EmulatorLive/authorize');
    expect(live.integration).toMatchObject({ status: 'active', livemode: true, stripeAccountName: 'Acme Store' });
    const test = await connect(t, { email: 'owner@globex.test', mode: 'test' });
    expect(new URL(test.session.authorizeUrl).pathname).toBe('/oauth/v2/chnlink_1EmulatorTest/authorize');
    expect(test.integration).toMatchObject({ status: 'active', livemode: false });
    // Each code went to the token endpoint with its own mode's secret key.
    const exchanges = t.server.emulator!.requests.filter((r) => r.path === '/v1/oauth/token');
    expect(exchanges.map((r) => r.authorization)).toEqual([
      'Bearer sk_live_workspace_connect_emulator',
      'Bearer sk_test_workspace_connect_emulator',
    ]);

    const liveOnly = await server({ stripeModes: ['live'] });
    const profile = (await (await liveOnly.api('/api/v1/me')).json()) as { workspace: { stripeModes: string[] } };
    expect(profile.workspace.stripeModes).toEqual(['live']);
    const refused = await liveOnly.api('/api/v1/connect-sessions', {
      method: 'POST',
      body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI, mode: 'test' }),
    });
    expect(((await expectContract('POST', '/api/v1/connect-sessions', refused)) as { code: string }).code).toBe('mode_not_offered');
  });

  it('reads the account’s name with the access token, and connects without one when Stripe will not say', async () => {
    const t = await server();
    // The name comes from GET /v1/account with the access token (an Apps token may not read /v1/accounts/{id}).
    await connect(t);
    const reads = t.server.emulator!.requests.filter((r) => r.path.startsWith('/v1/account'));
    expect(reads.map((r) => [r.path, r.authorization?.startsWith('Bearer rk_live_')])).toEqual([['/v1/account', true]]);

    await emulatorControl(t.server.emulator!, 'acct_1GlobexShopTest0', 'fail-api');
    const nameless = await connect(t, { email: 'owner@globex.test' });
    expect(nameless.status).toBe(201);
    expect(nameless.integration).toMatchObject({ status: 'active', stripeAccountId: 'acct_1GlobexShopTest0', stripeAccountName: null });
  });

  it('refreshes before the hour is out: once per integration, new tokens sealed, still active, the old refresh token dead', async () => {
    const t = await server();
    const { integration } = await connect(t);
    const emulator = t.server.emulator!;
    const before = await findCredentials(t.server.db, integration.id);
    expect(before?.accessExpiresAt).not.toBeNull();
    const oldRefreshToken = emulator.issuedTokens().find((token) => token.startsWith('rt_'))!;

    // Nothing is due yet.
    expect(await control(t, '/refresh')).toMatchObject({ refreshed: 0 });
    await control(t, '/clock', { advanceSeconds: 2 * HOUR });
    // Two passes at once (a timer and a sync, say), while Stripe is slow to answer the first: one
    // refresh reaches Stripe.
    await fetch(`${emulator.url}/__emulator/slow-token`, { method: 'POST', body: JSON.stringify({ delayMs: 500 }) });
    await Promise.all([control(t, '/refresh'), control(t, '/refresh'), control(t, `/integrations/${integration.id}/sync`)]);
    expect(refreshes(emulator).map((g) => [g.accountId, g.outcome])).toEqual([['acct_1AcmeStoreTest00', 'issued']]);

    const after = await findCredentials(t.server.db, integration.id);
    expect(after!.accessToken.equals(before!.accessToken)).toBe(false);
    expect(Date.parse(after!.accessExpiresAt!)).toBeGreaterThan(Date.parse(before!.accessExpiresAt!));
    // Sealed at rest: no token Stripe issued is in the database in plain text.
    const stored = JSON.stringify(await t.server.db.query('SELECT * FROM stripe_credentials'));
    for (const secret of emulator.issuedTokens()) expect(stored).not.toContain(secret);
    // The admin sees nothing: the integration is active and syncs with the new access token.
    const synced = (await control(t, `/integrations/${integration.id}/sync`)) as unknown as Integration;
    expect(synced).toMatchObject({ status: 'active', reason: null });

    // Stripe rotated the refresh token: the old one is refused.
    const reuse = await fetch(`${emulator.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_live_workspace_connect_emulator', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefreshToken }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a failed refresh keeps the old tokens and is retried with backoff; it shows as an error only once the access token ran out', async () => {
    const t = await server();
    const { integration } = await connect(t);
    const emulator = t.server.emulator!;
    const before = await findCredentials(t.server.db, integration.id);
    await emulatorControl(emulator, integration.stripeAccountId, 'fail-refresh');

    await control(t, '/clock', { advanceSeconds: 51 * 60 });
    expect(await control(t, '/refresh')).toMatchObject({ failed: 1 });
    const kept = await findCredentials(t.server.db, integration.id);
    expect(kept!.accessToken.equals(before!.accessToken)).toBe(true);
    expect(kept!.refreshToken!.equals(before!.refreshToken!)).toBe(true);
    // Not again until the backoff has passed; the access token still works meanwhile.
    expect(await control(t, '/refresh')).toMatchObject({ failed: 0 });
    expect(await control(t, `/integrations/${integration.id}/sync`)).toMatchObject({ status: 'active' });

    // Stripe stays down past the access token's hour: now the admin is told.
    await control(t, '/clock', { advanceSeconds: 20 * 60 });
    expect(await control(t, '/refresh')).toMatchObject({ failed: 1 });
    const [failing] = await listed(t);
    expect(failing).toMatchObject({ status: 'error' });
    expect(failing!.reason).toContain('cannot renew');

    // Stripe is back: the next try refreshes with the kept refresh token and clears the error.
    await emulatorControl(emulator, integration.stripeAccountId, 'restore-refresh');
    await control(t, '/clock', { advanceSeconds: 30 * 60 });
    expect(await control(t, '/refresh')).toMatchObject({ refreshed: 1 });
    expect((await listed(t))[0]).toMatchObject({ id: integration.id, status: 'active', reason: null });
  });

  it('a refresh Stripe refuses makes the integration expired, in the admin’s language; reauthenticating keeps it the same integration', async () => {
    const t = await server();
    const { integration } = await connect(t);
    await emulatorControl(t.server.emulator!, integration.stripeAccountId, 'revoke-tokens');
    await control(t, '/clock', { advanceSeconds: 55 * 60 });
    expect(await control(t, '/refresh')).toMatchObject({ refused: 1 });

    const [expired] = await listed(t, DEMO_ADMIN_TOKEN, 'es');
    expect(expired).toMatchObject({ id: integration.id, status: 'expired' });
    expect(expired!.reason).toBe(
      'Stripe dejó de renovar el acceso de esta conexión (se desinstaló la aplicación o su acceso caducó). Vuelva a autenticarla para reanudar la sincronización.',
    );
    // No more tries with a refresh token Stripe refused.
    await control(t, '/clock', { advanceSeconds: HOUR });
    expect(await control(t, '/refresh')).toMatchObject({ refreshed: 0, refused: 0, failed: 0 });

    const again = await connect(t, { integrationId: integration.id });
    expect(again.status).toBe(200);
    expect(again.integration).toMatchObject({ id: integration.id, status: 'active', reason: null });
    await control(t, '/clock', { advanceSeconds: 2 * HOUR });
    expect(await control(t, '/refresh')).toMatchObject({ refreshed: 1 });
  });

  it('uninstalling the app revokes it; installing the same account from another workspace revokes the first, saying why', async () => {
    const t = await server();
    await createWorkspace(t.server.db, {
      id: 'ws_globex',
      name: 'Globex Analytics',
      users: [{ id: 'usr_globex', name: 'Gil Bex', email: 'gil@globex.test', role: 'admin', token: GLOBEX_TOKEN }],
    });
    const acme = await connect(t, { email: 'owner@globex.test' });
    const elsewhere = await connect(t, { email: 'owner@globex.test', token: GLOBEX_TOKEN });
    expect(elsewhere.integration).toMatchObject({ status: 'active' });
    const [replaced] = await listed(t);
    expect(replaced).toMatchObject({ id: acme.integration.id, status: 'revoked' });
    expect(replaced!.reason).toBe(
      'This Stripe account was connected again elsewhere (another workspace or connection), which ended this connection. Reauthenticate to use it here.',
    );
    // Its dead tokens are gone, so nothing refreshes them.
    expect(await findCredentials(t.server.db, acme.integration.id)).toBeNull();
    // The install in test mode is another install: it retires nothing in live mode.
    await connect(t, { email: 'owner@globex.test', mode: 'test' });
    expect((await listed(t, GLOBEX_TOKEN))[0]).toMatchObject({ status: 'active' });

    // The merchant uninstalls the app in their Dashboard: Stripe's webhook says so.
    await emulatorControl(t.server.emulator!, 'acct_1GlobexShopTest0', 'disconnect');
    expect((await listed(t, GLOBEX_TOKEN))[0]).toMatchObject({ status: 'revoked' });
    expect((await listed(t, GLOBEX_TOKEN))[0]!.reason).toContain('Access was revoked in Stripe');
  });

  it.runIf(postgresUrl)(
    'two instances on one PostgreSQL, both due to refresh the same integrations at once: one refresh each',
    async () => {
      const emulator = await startStripeEmulator({ host: '127.0.0.1' });
      cleanup.push(() => emulator.close());
      const databaseUrl = await createDatabase(postgresUrl!);
      const shared = { databaseUrl, encryptionKey: TEST_ENCRYPTION_KEY, emulatorUrl: emulator.url };
      const a = await server(shared);
      const b = await server(shared);
      const one = await connect(a);
      const two = await connect(b, { email: 'owner@globex.test' });

      // Both instances' clocks move two hours (and the shared emulator's with each: tokens only age more).
      await Promise.all([control(a, '/clock', { advanceSeconds: 2 * HOUR }), control(b, '/clock', { advanceSeconds: 2 * HOUR })]);
      // Stripe slow to answer, so each refresh is still in flight when the other instance looks.
      for (const _ of [1, 2])
        await fetch(`${emulator.url}/__emulator/slow-token`, { method: 'POST', body: JSON.stringify({ delayMs: 400 }) });
      await Promise.all([control(a, '/refresh'), control(b, '/refresh'), control(a, '/refresh'), control(b, '/refresh')]);
      expect(
        refreshes(emulator)
          .map((g) => [g.accountId, g.outcome])
          .sort(),
      ).toEqual([
        [one.integration.stripeAccountId, 'issued'],
        [two.integration.stripeAccountId, 'issued'],
      ]);
      expect((await listed(a)).map((i) => i.status)).toEqual(['active', 'active']);
    },
  );
});
