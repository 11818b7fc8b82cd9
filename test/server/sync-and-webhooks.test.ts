import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_WEBHOOK_SECRET } from '../../server/dev/stripe-emulator';
import { describeProblem } from '../../server/src/reasons';
import { expectContract } from './contract';
import { authorizeOnEmulator, REDIRECT_URI, startTestServer } from './helpers';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

describe('integration health on the reference server', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ testControls: true });
  });
  afterEach(async () => {
    await t.close();
  });

  async function connect(email = 'owner@acme.test') {
    const session = (await (
      await t.api('/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      })
    ).json()) as { id: string; authorizeUrl: string };
    const redirect = await authorizeOnEmulator(session.authorizeUrl, { email });
    const response = await t.api(`/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': `key-${session.id}` },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    return (await response.json()) as { id: string; stripeAccountId: string; livemode: boolean };
  }

  const control = async (path: string, body?: unknown) =>
    (await t.api(path, { method: 'POST', token: null, ...(body ? { body: JSON.stringify(body) } : {}) })).json();

  async function list() {
    const response = await t.api('/api/v1/integrations');
    return ((await expectContract('GET', '/api/v1/integrations', response)) as { integrations: any[] }).integrations;
  }

  it('a sync records when it last synced', async () => {
    const integration = await connect();
    const synced = await control(`/__test/integrations/${integration.id}/sync`);
    expect(synced).toMatchObject({ status: 'active', reason: null });
    expect(Date.parse(synced.lastSyncAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('revoked: Stripe’s account.application.deauthorized event reaches the webhook', async () => {
    const integration = await connect();
    const other = await connect('owner@globex.test');
    await control(`/__test/integrations/${integration.id}/break`, { how: 'revoked' });
    const [first, second] = await list();
    expect(first).toMatchObject({ id: integration.id, status: 'revoked', reason: describeProblem({ code: 'revoked' }, 'en') });
    expect(second).toMatchObject({ id: other.id, status: 'active' });
  });

  it('expired: the next sync finds that Stripe no longer accepts the connection', async () => {
    const integration = await connect();
    expect(await control(`/__test/integrations/${integration.id}/break`, { how: 'expired' })).toMatchObject({
      status: 'expired',
      reason: describeProblem({ code: 'expired' }, 'en'),
    });
  });

  it('error: a failing sync is reported, and a later good one clears it', async () => {
    const integration = await connect();
    const broken = await control(`/__test/integrations/${integration.id}/break`, { how: 'error' });
    expect(broken.status).toBe('error');
    expect(broken.reason).toBe('The last sync failed. The workspace retries; reauthenticate if it persists.');
    // Stripe's English message is kept for support, not shown in the admin's language.
    const spanish = await fetch(`${t.server.url}/api/v1/integrations`, {
      headers: { Authorization: 'Bearer wc_demo_admin_token', 'Accept-Language': 'es' },
    });
    const [listed] = ((await spanish.json()) as { integrations: Array<{ reason: string }> }).integrations;
    expect(listed!.reason).toBe('La última sincronización falló. El espacio de trabajo lo reintenta; vuelva a autenticarla si continúa.');
    expect(await control(`/__test/integrations/${integration.id}/sync`)).toMatchObject({ status: 'active', reason: null });
  });

  it('refuses webhook events without a valid Stripe signature', async () => {
    const integration = await connect();
    const payload = JSON.stringify({
      type: 'account.application.deauthorized',
      account: integration.stripeAccountId,
      livemode: integration.livemode,
    });
    const forged = await t.api('/webhooks/stripe', {
      method: 'POST',
      token: null,
      body: payload,
      headers: { 'Stripe-Signature': 't=1,v1=bad' },
    });
    expect(forged.status).toBe(400);
    expect((await list())[0].status).toBe('active');

    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: EMULATOR_WEBHOOK_SECRET });
    const signed = await t.api('/webhooks/stripe', {
      method: 'POST',
      token: null,
      body: payload,
      headers: { 'Stripe-Signature': signature },
    });
    await expectContract('POST', '/webhooks/stripe', signed);
    expect((await list())[0].status).toBe('revoked');
  });

  it('words the reason in the admin’s language (Accept-Language), with an ETag per language', async () => {
    const integration = await connect();
    await control(`/__test/integrations/${integration.id}/break`, { how: 'expired' });
    const es = await t.api('/api/v1/integrations', { headers: { 'Accept-Language': 'es-ES,es;q=0.9,en;q=0.5' } });
    expect(es.headers.get('vary')).toBe('Accept-Language');
    const [spanish] = ((await es.json()) as { integrations: any[] }).integrations;
    expect(spanish.reason).toBe(
      'Stripe ya no acepta las credenciales de esta conexión. Vuelva a autenticarla para reanudar la sincronización.',
    );
    const en = await t.api('/api/v1/integrations', { headers: { 'Accept-Language': 'fr, en;q=0.8' } });
    expect(((await en.json()) as { integrations: any[] }).integrations[0].reason).toBe(describeProblem({ code: 'expired' }, 'en'));
    expect(en.headers.get('etag')).not.toBe(es.headers.get('etag'));
  });

  it('the test controls are off unless enabled', async () => {
    const plain = await startTestServer();
    try {
      // Not mounted at all: the path is not part of the API, even with a valid token.
      expect((await plain.api('/__test/requests', { token: null })).status).toBe(404);
      expect((await plain.api('/__test/requests')).status).toBe(404);
      expect((await plain.api('/__test/integrations/seed', { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
