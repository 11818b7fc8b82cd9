/**
 * Many workspaces on one server, and the door: every query scoped to the caller's workspace, the
 * list paginated with an ETag from the workspace's version, secrets at rest, rate limits per token.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceConfigFromEnv } from '../../server/src/config';
import { createWorkspace } from '../../server/src/data/workspaces';
import { createSealer, parseKey } from '../../server/src/secrets';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';
import { expectContract } from './contract';
import { authorizeOnEmulator, postgresUrl, REDIRECT_URI, startTestServer, TEST_ENCRYPTION_KEY } from './helpers';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
const GLOBEX_TOKEN = 'wc_globex_admin_token';

describe('workspaces, pages and the door', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  async function connect(token = DEMO_ADMIN_TOKEN, email = 'owner@acme.test') {
    const session = (await (
      await t.api('/api/v1/connect-sessions', {
        method: 'POST',
        token,
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      })
    ).json()) as { id: string; authorizeUrl: string };
    const redirect = await authorizeOnEmulator(session.authorizeUrl, { email });
    const answer = await t.api(`/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': `key-${session.id}` },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    return { session, status: answer.status, integration: (await answer.json()) as { id: string; stripeAccountId: string } };
  }

  const addGlobex = () =>
    createWorkspace(t.server.db, {
      id: 'ws_globex',
      name: 'Globex Analytics',
      users: [{ id: 'usr_globex', name: 'Gil Bex', email: 'gil@globex.test', role: 'admin', token: GLOBEX_TOKEN }],
    });

  it('keeps each workspace to itself: its profile, list, ETag, sessions and integrations', async () => {
    t = await startTestServer();
    await addGlobex();
    const acme = await connect();
    expect(acme.status).toBe(201);

    const me = (await (await t.api('/api/v1/me', { token: GLOBEX_TOKEN })).json()) as { workspace: { name: string } };
    expect(me.workspace.name).toBe('Globex Analytics');
    const globexList = await t.api('/api/v1/integrations', { token: GLOBEX_TOKEN });
    expect(((await globexList.json()) as { integrations: unknown[] }).integrations).toEqual([]);

    // Another workspace's integration and session are as good as absent.
    expect((await t.api(`/api/v1/integrations/${acme.integration.id}`, { method: 'DELETE', token: GLOBEX_TOKEN })).status).toBe(404);
    const reauth = await t.api('/api/v1/connect-sessions', {
      method: 'POST',
      token: GLOBEX_TOKEN,
      body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI, integrationId: acme.integration.id }),
    });
    expect(reauth.status).toBe(404);
    const stolen = await t.api(`/api/v1/connect-sessions/${acme.session.id}/complete`, {
      method: 'POST',
      token: GLOBEX_TOKEN,
      headers: { 'Idempotency-Key': 'globex-key-1' },
      body: JSON.stringify({ error: 'access_denied' }),
    });
    expect(stolen.status).toBe(404);

    // The same Stripe account may be connected to both: each workspace has its own integration.
    const globex = await connect(GLOBEX_TOKEN);
    expect(globex.status).toBe(201);
    expect(globex.integration.id).not.toBe(acme.integration.id);
    // A change in one workspace leaves the other's ETag alone.
    const acmeEtag = (await t.api('/api/v1/integrations')).headers.get('etag')!;
    await t.api(`/api/v1/integrations/${globex.integration.id}`, { method: 'DELETE', token: GLOBEX_TOKEN });
    expect((await t.api('/api/v1/integrations', { headers: { 'If-None-Match': acmeEtag } })).status).toBe(304);
  });

  it('pages through a long list: every integration once, in order, one ETag for the whole list', async () => {
    t = await startTestServer({ testControls: true });
    await fetch(`${t.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count: 250 }) });
    const seen: string[] = [];
    const etags = new Set<string | null>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await t.api(`/api/v1/integrations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const page = (await expectContract('GET', '/api/v1/integrations', response)) as {
        integrations: Array<{ id: string }>;
        nextCursor: string | null;
      };
      seen.push(...page.integrations.map((i) => i.id));
      etags.add(response.headers.get('etag'));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...seen].sort());
    expect(etags.size).toBe(1);
    // Without a limit: the default page; an unchanged list is a 304 whatever its size.
    const first = await t.api('/api/v1/integrations');
    expect(((await first.json()) as { integrations: unknown[] }).integrations).toHaveLength(200);
    expect((await t.api('/api/v1/integrations', { headers: { 'If-None-Match': first.headers.get('etag')! } })).status).toBe(304);

    for (const [query, code] of [
      ['limit=0', 'invalid_limit'],
      ['limit=501', 'invalid_limit'],
      ['limit=ten', 'invalid_limit'],
      ['cursor=not-a-cursor', 'invalid_cursor'],
    ]) {
      const refused = await t.api(`/api/v1/integrations?${query}`);
      expect(refused.status, query).toBe(422);
      expect(await expectContract('GET', '/api/v1/integrations', refused)).toMatchObject({ code });
    }
  });

  it('stores API tokens as hashes and Stripe credentials sealed, never in plain text', async () => {
    t = await startTestServer();
    await connect();
    const issued = t.server.emulator!.issuedTokens();
    expect(issued.length).toBeGreaterThan(0);
    const tables = ['workspaces', 'users', 'api_tokens', 'integrations', 'stripe_credentials', 'connect_sessions', 'idempotency_keys'];
    for (const table of tables) {
      const rows = await t.server.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      const text = JSON.stringify(rows, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
      );
      expect(text, table).not.toContain(DEMO_ADMIN_TOKEN);
      for (const token of issued) expect(text, table).not.toContain(token);
    }
    // …and the sealed credentials open with the workspace's key to exactly what Stripe issued.
    const [sealed] = await t.server.db.query<{ access_token: Uint8Array }>('SELECT access_token FROM stripe_credentials');
    const key = postgresUrl ? parseKey(TEST_ENCRYPTION_KEY) : null;
    if (key) expect(issued).toContain(createSealer(key).open(sealed!.access_token));
  });

  it.runIf(!postgresUrl)('the embedded default creates its encryption key with 0600 permissions', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wc-key-'));
    try {
      // A data folder of its own: PGlite on disk, as `npm start` runs it.
      t = await startTestServer({ dataDir });
      const key = await stat(join(dataDir, 'encryption.key'));
      expect(key.mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(join(dataDir, 'encryption.key'), 'utf8')).trim(), 'base64')).toHaveLength(32);
    } finally {
      await t.close();
      t = { close: async () => undefined } as unknown as TestServer;
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('limits writes per API token with 429 and Retry-After; reads are not limited', async () => {
    t = await startTestServer({ rateLimit: { writes: 3, windowSeconds: 60 } });
    await addGlobex();
    const create = (token = DEMO_ADMIN_TOKEN) =>
      t.api('/api/v1/connect-sessions', { method: 'POST', token, body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }) });
    for (let n = 0; n < 3; n++) expect((await create()).status).toBe(201);
    const limited = await create();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await expectContract('POST', '/api/v1/connect-sessions', limited)).toMatchObject({ code: 'rate_limited' });
    // Another token has its own budget; reading is never limited.
    expect((await create(GLOBEX_TOKEN)).status).toBe(201);
    for (let n = 0; n < 5; n++) expect((await t.api('/api/v1/integrations')).status).toBe(200);
  });

  it('WORKSPACE_RATE_LIMIT=0 turns the limit off', async () => {
    expect(workspaceConfigFromEnv({ WORKSPACE_RATE_LIMIT: '0' }).rateLimit.writes).toBe(0);
    expect(workspaceConfigFromEnv({}).rateLimit.writes).toBe(60);
    t = await startTestServer({ rateLimit: { writes: 0 } });
    for (let n = 0; n < 80; n++) {
      const response = await t.api('/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      });
      expect(response.status).toBe(201);
    }
  });
});
