import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STANDARD_TOKEN } from '../../server/src/model';
import { EMULATOR_SECRET_KEYS } from '../../server/dev/stripe-emulator';
import { expectContract } from './contract';
import { authorizeOnEmulator, REDIRECT_URI, startTestServer } from './helpers';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
const SECRET_LOOKING = /\b(sk|rk|pk)_(test|live)_\w+|\brt_\w{8,}|access_token|refresh_token/;

// Everything here holds in both provider modes; what differs is said where it differs.
describe.each(['stripe-app', 'connect'] as const)('reference workspace API (%s)', (provider) => {
  const apps = provider === 'stripe-app';
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ stripeProvider: provider });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Calls the API and checks the answer against the OpenAPI document and for leaked secrets. */
  async function call(method: string, template: string, path: string, init: Parameters<TestServer['api']>[1] = {}) {
    const response = await t.api(path, { method, ...init });
    const copy = response.clone();
    expect(await copy.text()).not.toMatch(SECRET_LOOKING);
    return { status: response.status, headers: response.headers, body: (await expectContract(method, template, response)) as any };
  }

  const createSession = (body: Record<string, unknown> = {}, token?: string) =>
    call('POST', '/api/v1/connect-sessions', '/api/v1/connect-sessions', {
      body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI, ...body }),
      ...(token ? { token } : {}),
    });

  const complete = (sessionId: string, body: unknown, key = `key-${Math.random()}`) =>
    call('POST', '/api/v1/connect-sessions/{sessionId}/complete', `/api/v1/connect-sessions/${sessionId}/complete`, {
      body: JSON.stringify(body),
      headers: { 'Idempotency-Key': key },
    });

  async function connect(email = 'owner@acme.test', integrationId?: string) {
    const session = await createSession(integrationId ? { integrationId } : {});
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl, { email });
    const params = redirect.searchParams;
    return { session, answer: await complete(session.body.id, { code: params.get('code'), state: params.get('state') }) };
  }

  it('says who the token belongs to, and refuses a missing or wrong token', async () => {
    const admin = await call('GET', '/api/v1/me', '/api/v1/me');
    expect(admin.body).toEqual({
      user: { id: 'usr_admin', name: 'Ana García', email: 'ana@acme.test' },
      workspace: { id: 'ws_acme', name: 'Acme Analytics', stripeModes: ['live', 'test'] },
      role: 'admin',
    });
    expect((await call('GET', '/api/v1/me', '/api/v1/me', { token: DEMO_STANDARD_TOKEN })).body.role).toBe('standard');
    const missing = await call('GET', '/api/v1/me', '/api/v1/me', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await call('GET', '/api/v1/me', '/api/v1/me', { token: 'wc_wrong' });
    expect(wrong.body.code).toBe('invalid_token');
  });

  it('builds the Stripe authorize URL with its own client id, our redirect URI and a fresh state', async () => {
    const { status, body } = await createSession();
    expect(status).toBe(201);
    const url = new URL(body.authorizeUrl);
    expect(url.origin).toBe(t.server.emulator!.url);
    if (apps) {
      // The app's live install link; permissions come from the app's manifest, so no scope.
      expect(url.pathname).toBe('/oauth/v2/chnlink_1EmulatorLive/authorize');
      expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'redirect_uri', 'state']);
    } else {
      expect(url.pathname).toBe('/oauth/authorize');
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('scope')).toBe('read_only');
    }
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'ca_WorkspaceConnectEmulator', redirect_uri: REDIRECT_URI });
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    const again = await createSession();
    expect(new URL(again.body.authorizeUrl).searchParams.get('state')).not.toBe(url.searchParams.get('state'));
  });

  it('refuses connect sessions to non-admins and to redirect URIs that are not an extension', async () => {
    const standard = await createSession({}, DEMO_STANDARD_TOKEN);
    expect(standard.status).toBe(403);
    expect(standard.body.code).toBe('admin_required');
    const foreign = await createSession({ redirectUri: 'https://evil.example/callback' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('invalid_redirect_uri');
    const unknown = await createSession({ integrationId: 'int_nope' });
    expect(unknown.status).toBe(404);
  });

  it('exchanges the code with Stripe once, and answers a retry with the same idempotency key identically', async () => {
    const session = await createSession();
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl);
    const body = { code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') };
    const first = await complete(session.body.id, body, 'idem-key-0001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      provider: 'stripe',
      status: 'active',
      stripeAccountId: 'acct_1AcmeStoreTest00',
      stripeAccountName: 'Acme Store',
      // Stripe Apps: the live install link; Connect: the demo account's own mode.
      livemode: apps,
      lastSyncAt: null,
      reason: null,
    });
    // Stripe Apps codes go to the API host's token endpoint (stripe.oauth.token() would send them to
    // connect.stripe.com), with the mode's secret key.
    const exchanges = t.server.emulator!.requests.filter((r) => r.path.endsWith('/oauth/token'));
    expect(exchanges.map((r) => [r.path, r.authorization])).toEqual([
      [apps ? '/v1/oauth/token' : '/oauth/token', `Bearer ${EMULATOR_SECRET_KEYS.live}`],
    ]);
    const retry = await complete(session.body.id, body, 'idem-key-0001');
    expect(retry).toMatchObject({ status: 201, body: first.body });
    const list = await call('GET', '/api/v1/integrations', '/api/v1/integrations');
    expect(list.body.integrations).toEqual([first.body]);

    // A new key for a finished session is a second attempt, not a retry.
    const second = await complete(session.body.id, body, 'idem-key-0002');
    expect(second.status).toBe(410);
    expect(second.body.code).toBe('session_closed');
  });

  it('answers a retry that overlaps its still-running first attempt with 409 idempotency_key_in_use and Retry-After, then replays the first answer', async () => {
    const session = await createSession();
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl);
    const body = { code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') };
    // Stripe takes a while to exchange the code.
    await fetch(`${t.server.emulator!.url}/__emulator/slow-token`, { method: 'POST', body: JSON.stringify({ delayMs: 1500 }) });
    const first = complete(session.body.id, body, 'idem-key-slow');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first is now waiting on Stripe
    const overlapping = await complete(session.body.id, body, 'idem-key-slow');
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.code).toBe('idempotency_key_in_use');
    expect(overlapping.headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(201);
    const replay = await complete(session.body.id, body, 'idem-key-slow');
    expect(replay).toMatchObject({ status: 201, body: (await first).body });
    expect((await call('GET', '/api/v1/integrations', '/api/v1/integrations')).body.integrations).toHaveLength(1);
  });

  it('refuses an answer whose state is not the session’s, and a code Stripe already redeemed', async () => {
    const session = await createSession();
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl);
    const code = redirect.searchParams.get('code');
    const tampered = await complete(session.body.id, { code, state: 'someone-elses-state' });
    expect(tampered.status).toBe(400);
    expect(tampered.body.code).toBe('state_mismatch');

    // The tampered answer never reached Stripe: the right one still goes through.
    const right = await complete(session.body.id, { code, state: redirect.searchParams.get('state') });
    expect(right.status).toBe(201);

    const other = await createSession();
    const reused = await complete(other.body.id, { code, state: new URL(other.body.authorizeUrl).searchParams.get('state') });
    expect(reused.status).toBe(410);
    expect(reused.body.code).toBe('authorization_expired');
  });

  it('records a denial without creating anything', async () => {
    const session = await createSession();
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl, { decision: 'deny' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const answer = await complete(session.body.id, {
      error: 'access_denied',
      errorDescription: redirect.searchParams.get('error_description'),
      state: redirect.searchParams.get('state'),
    });
    expect(answer.status).toBe(204);
    expect((await call('GET', '/api/v1/integrations', '/api/v1/integrations')).body.integrations).toEqual([]);
  });

  it('answers 304 to an unchanged list and a new ETag once it changes', async () => {
    const first = await call('GET', '/api/v1/integrations', '/api/v1/integrations');
    const etag = first.headers.get('etag')!;
    const unchanged = await call('GET', '/api/v1/integrations', '/api/v1/integrations', { headers: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    await connect();
    const changed = await call('GET', '/api/v1/integrations', '/api/v1/integrations', { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('reauthenticates with the same Stripe account, and refuses a different one without changing anything', async () => {
    const { answer } = await connect();
    const integration = answer.body;

    const mismatch = await connect('owner@globex.test', integration.id);
    // Connect: let the admin pick the account (Stripe Apps' install page has its own picker).
    expect(new URL(mismatch.session.body.authorizeUrl).searchParams.get('always_prompt')).toBe(apps ? null : 'true');
    expect(mismatch.answer.status).toBe(409);
    expect(mismatch.answer.body.code).toBe('account_mismatch');
    const list = await call('GET', '/api/v1/integrations', '/api/v1/integrations');
    expect(list.body.integrations).toEqual([integration]);
    // Connect: the unwanted grant was handed back to Stripe. Stripe Apps has no such call.
    expect(t.server.emulator!.deauthorizations.map((d) => d.stripeUserId)).toEqual(apps ? [] : ['acct_1GlobexShopTest0']);

    const same = await connect('owner@acme.test', integration.id);
    expect(same.answer.status).toBe(200);
    expect(same.answer.body).toMatchObject({ id: integration.id, status: 'active' });
  });

  it('disconnects: removes the integration and its credentials, and (Connect) deauthorizes at Stripe; admins only', async () => {
    const { answer } = await connect();
    const path = `/api/v1/integrations/${answer.body.id}`;
    const template = '/api/v1/integrations/{integrationId}';
    expect((await call('DELETE', template, path, { token: DEMO_STANDARD_TOKEN })).status).toBe(403);
    expect((await call('DELETE', template, path)).status).toBe(204);
    expect(t.server.emulator!.deauthorizations.map((d) => d.stripeUserId)).toEqual(apps ? [] : ['acct_1AcmeStoreTest00']);
    expect(await t.server.db.query('SELECT 1 FROM stripe_credentials')).toEqual([]);
    expect((await call('GET', '/api/v1/integrations', '/api/v1/integrations')).body.integrations).toEqual([]);
    expect((await call('DELETE', template, path)).status).toBe(404);
  });

  it('expires sessions and codes', async () => {
    await t.close();
    t = await startTestServer({ stripeProvider: provider, sessionTtlSeconds: 0.05 });
    const session = await createSession();
    const redirect = await authorizeOnEmulator(session.body.authorizeUrl);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const late = await complete(session.body.id, { code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') });
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('session_expired');

    await t.close();
    t = await startTestServer({ stripeProvider: provider, emulator: { codeTtlSeconds: -1 } });
    const stale = await connect();
    expect(stale.answer.status).toBe(410);
    expect(stale.answer.body.code).toBe('authorization_expired');
  });

  it('requires an idempotency key to complete, and an unknown session is not found', async () => {
    const session = await createSession();
    const response = await t.api(`/api/v1/connect-sessions/${session.body.id}/complete`, {
      method: 'POST',
      body: JSON.stringify({ code: 'ac_x', state: 'y' }),
    });
    const body = (await expectContract('POST', '/api/v1/connect-sessions/{sessionId}/complete', response)) as any;
    expect(body.code).toBe('idempotency_key_required');
    const unknown = await complete('cs_unknown', { code: 'ac_x', state: 'y' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('session_not_found');
  });
});

describe('Stripe emulator, Connect (legacy)', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ stripeProvider: 'connect' });
  });
  afterEach(async () => {
    await t.close();
  });

  it('shows the sign-in page in the seed’s words, and refuses wrong credentials', async () => {
    const session = (await (
      await t.api('/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      })
    ).json()) as { authorizeUrl: string };
    const page = await (await fetch(session.authorizeUrl)).text();
    expect(page).toContain('Sign in with Stripe to Continue');
    expect(page).toContain('Sign in to your account');
    expect(page).toContain('Deny access');
    const form = new URLSearchParams(new URL(session.authorizeUrl).searchParams);
    form.set('email', 'owner@acme.test');
    form.set('password', 'wrong');
    const refused = await fetch(new URL('/oauth/authorize', session.authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('Incorrect email or password.');
  });

  it('answers an unregistered redirect URI with a JSON page, as Stripe does', async () => {
    const url = new URL('/oauth/authorize', t.server.emulator!.url);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'ca_WorkspaceConnectEmulator',
      scope: 'read_only',
      redirect_uri: 'https://evil.example/cb',
      state: 'x',
    }).toString();
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });
});
