/**
 * What a workspace must survive: a kill -9 (on PGlite and on PostgreSQL), several instances on one
 * PostgreSQL answering the same completion, and its database going away and coming back.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS, startStripeEmulator } from '../../server/dev/stripe-emulator';
import { countRows } from '../../server/src/data/sync-state';
import { openPglite } from '../../server/src/db/pglite';
import { openPostgres } from '../../server/src/db/postgres';
import { SYNCED_OBJECTS } from '../../server/src/sync/objects';
import { pgliteDir } from '../../server/src/workspace';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';
import { createDatabase, startPostgres } from '../../scripts/postgres';
import { spawnReady } from '../../scripts/processes';
import { authorizeOnEmulator, postgresUrl, REDIRECT_URI, startTestServer, TEST_ENCRYPTION_KEY } from './helpers';

/** The reference server as `npm run server` runs it, in its own process that we can kill. */
async function spawnServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // These tests are about completions: no sync moves the list meanwhile (the sync's own kill -9 is in sync.test.ts).
  const { child, ready } = await spawnReady('server/dev/main.ts', {
    PORT: '0',
    EMULATOR_PORT: '0',
    WORKSPACE_RATE_LIMIT: '0',
    WORKSPACE_SYNC: '0',
    ...env,
  });
  return { child, url: ready.workspaceUrl! };
}

const ACME = DEFAULT_ACCOUNTS[0]!;

const api = (url: string, path: string, init: RequestInit = {}) =>
  fetch(url + path, {
    ...init,
    headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers as object) },
  });

/** A connect session the admin has signed in for on the emulator: its id, and the grant Stripe sent back. */
async function signedInSession(url: string, email = 'owner@acme.test') {
  const response = await api(url, '/api/v1/connect-sessions', {
    method: 'POST',
    body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
  });
  expect(response.status).toBe(201);
  const session = (await response.json()) as { id: string; authorizeUrl: string };
  const redirect = await authorizeOnEmulator(session.authorizeUrl, { email });
  return { id: session.id, grant: { code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') } };
}

/** A completion as the extension sends it: after a 409 with Retry-After, the same request again. */
async function completeLikeTheExtension(url: string, sessionId: string, key: string, body: unknown) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await api(url, `/api/v1/connect-sessions/${sessionId}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key },
      body: JSON.stringify(body),
    });
    if (response.status !== 409 || !response.headers.has('retry-after')) return { status: response.status, body: await response.json() };
    await response.body?.cancel();
    await new Promise((resume) => setTimeout(resume, Number(response.headers.get('retry-after')) * 1000));
  }
  throw new Error('still in progress after 30 attempts');
}

describe(`durability (${postgresUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** Where a spawned server keeps its data: a data folder (PGlite) or a database of the test server. */
  async function storageEnv(): Promise<Record<string, string>> {
    const dataDir = await mkdtemp(join(tmpdir(), 'wc-durable-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    if (!postgresUrl) return { DATA_DIR: dataDir };
    return { DATA_DIR: dataDir, DATABASE_URL: await createDatabase(postgresUrl), WORKSPACE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
  }

  it('keeps an acknowledged connection across a kill -9 and a restart', async () => {
    const env = await storageEnv();
    const first = await spawnServer(env);
    cleanup.push(async () => first.child.kill('SIGKILL'));

    const session = await signedInSession(first.url);
    const completed = await completeLikeTheExtension(first.url, session.id, 'durable-key-1', session.grant);
    expect(completed.status).toBe(201);

    // No graceful shutdown: whatever was acknowledged must already be on disk.
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));

    const second = await spawnServer(env);
    cleanup.push(async () => second.child.kill('SIGKILL'));
    const list = (await (await api(second.url, '/api/v1/integrations')).json()) as { integrations: unknown[] };
    expect(list.integrations).toEqual([completed.body]);
    // …and the idempotency record too: a retry after the crash gets the same answer, not a second integration.
    const retry = await completeLikeTheExtension(second.url, session.id, 'durable-key-1', session.grant);
    expect(retry).toEqual(completed);
  }, 60_000);

  it('a sync killed with -9 mid-import goes on after a restart from its last stored page: no duplicates, no gaps', async () => {
    const emulator = await startStripeEmulator({ host: '127.0.0.1' });
    cleanup.push(() => emulator.close());
    // Slow enough that the kill lands mid-import (Acme Store: 6,144 rows in 66 pages).
    await fetch(`${emulator.url}/__emulator/accounts/${ACME.id}/pace`, { method: 'POST', body: JSON.stringify({ delayMs: 25 }) });
    // A killed instance's claim lapses after a second, so the restarted one takes the sync over.
    const storage = await storageEnv();
    const env = { ...storage, EMULATOR_URL: emulator.url, WORKSPACE_SYNC: '1', WORKSPACE_SYNC_CLAIM_SECONDS: '1' };
    const first = await spawnServer(env);
    cleanup.push(async () => first.child.kill('SIGKILL'));
    const session = await signedInSession(first.url);
    const { body } = await completeLikeTheExtension(first.url, session.id, 'sync-key-1', session.grant);
    const integrationId = (body as { id: string }).id;

    const pages = () => emulator.requests.filter((r) => /^\/v1\/(customers|charges)$/.test(r.path) && r.status === 200);
    await expect.poll(() => pages().length, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(20);
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));
    const readBefore = pages().length;

    const second = await spawnServer(env);
    cleanup.push(async () => second.child.kill('SIGKILL'));
    type Listed = { sync: { importing: boolean; objects: Array<{ name: string; rows: number }> } | null };
    const listed = async () =>
      ((await (await api(second.url, '/api/v1/integrations')).json()) as { integrations: Listed[] }).integrations[0]!;
    await expect.poll(async () => (await listed()).sync?.importing, { timeout: 60_000, interval: 100 }).toBe(false);
    const expected = Object.fromEntries(SYNCED_OBJECTS.map((object) => [object, ACME.data![object]]));
    expect(Object.fromEntries((await listed()).sync!.objects.map((o) => [o.name, o.rows]))).toEqual(expected);

    // It went on from the last stored page: the pages read again are at most the one in flight.
    const customerPages = Math.ceil(ACME.data!.customers! / 100) + Math.ceil(ACME.data!.charges! / 100);
    expect(pages().length).toBeLessThanOrEqual(customerPages + 1);
    expect(emulator.requests.filter((r) => /^\/v1\/(customers|charges)$/.test(r.path)).slice(readBefore)[0]!.query).toContain(
      'starting_after=',
    );

    // The tables themselves hold every row once.
    second.child.kill('SIGTERM');
    await new Promise((done) => second.child.once('exit', done));
    const db = storage.DATABASE_URL ? openPostgres(storage.DATABASE_URL) : await openPglite(pgliteDir(storage.DATA_DIR!));
    cleanup.push(() => db.close());
    for (const object of SYNCED_OBJECTS) expect(await countRows(db, integrationId, object), object).toBe(expected[object]);
  }, 120_000);

  it('a kill -9 in the middle of a completion keeps what was acknowledged and half-applies nothing', async () => {
    // Stripe outlives the workspace process, as it would.
    const emulator = await startStripeEmulator({ host: '127.0.0.1' });
    cleanup.push(() => emulator.close());
    const env = { ...(await storageEnv()), EMULATOR_URL: emulator.url };
    const first = await spawnServer(env);
    cleanup.push(async () => first.child.kill('SIGKILL'));

    const acknowledged = await signedInSession(first.url);
    const kept = await completeLikeTheExtension(first.url, acknowledged.id, 'kill-key-1', acknowledged.grant);
    expect(kept.status).toBe(201);

    // The next completion is claimed and waiting on Stripe when the process dies.
    const inFlight = await signedInSession(first.url, 'owner@globex.test');
    await fetch(`${emulator.url}/__emulator/slow-token`, { method: 'POST', body: JSON.stringify({ delayMs: 10_000 }) });
    const exchanges = () => emulator.requests.filter((r) => r.path.endsWith('/oauth/token')).length;
    const before = exchanges();
    const lost = api(first.url, `/api/v1/connect-sessions/${inFlight.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'kill-key-2' },
      body: JSON.stringify(inFlight.grant),
    }).catch((error: unknown) => error);
    await expect.poll(exchanges, { timeout: 10_000, interval: 20 }).toBe(before + 1);
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));
    expect(await lost).toBeInstanceOf(Error);

    const second = await spawnServer({ ...env, WORKSPACE_TEST_CONTROLS: '1' });
    cleanup.push(async () => second.child.kill('SIGKILL'));
    const list = (await (await api(second.url, '/api/v1/integrations')).json()) as { integrations: unknown[] };
    expect(list.integrations).toEqual([kept.body]);
    expect(await completeLikeTheExtension(second.url, acknowledged.id, 'kill-key-1', acknowledged.grant)).toEqual(kept);
    // The interrupted completion is still claimed (until its claim lapses), not done twice meanwhile.
    const retried = await api(second.url, `/api/v1/connect-sessions/${inFlight.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'kill-key-2' },
      body: JSON.stringify(inFlight.grant),
    });
    expect(retried.status).toBe(409);
    expect(retried.headers.get('retry-after')).toBe('1');

    // Once the dead worker's claim lapses, a retry takes it over, but the code went to Stripe once
    // already: it is never sent again (Stripe would revoke what the first exchange issued).
    await fetch(`${second.url}/__test/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 61 }) });
    const takenOver = await completeLikeTheExtension(second.url, inFlight.id, 'kill-key-2', inFlight.grant);
    expect(takenOver).toMatchObject({ status: 410, body: { code: 'authorization_expired' } });
    expect(exchanges()).toBe(before + 1);
  }, 60_000);

  it.runIf(postgresUrl)(
    'two instances on one PostgreSQL, the same completion sent to both at once: one code exchange, one integration, the same answer',
    async () => {
      // One "Stripe" for both instances, as in production.
      const emulator = await startStripeEmulator({ host: '127.0.0.1' });
      cleanup.push(() => emulator.close());
      const env = { ...(await storageEnv()), EMULATOR_URL: emulator.url };
      const [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
      cleanup.push(async () => a.child.kill('SIGKILL'));
      cleanup.push(async () => b.child.kill('SIGKILL'));

      for (const round of [1, 2, 3]) {
        const session = await signedInSession(a.url, round === 2 ? 'owner@globex.test' : 'owner@acme.test');
        const exchangesBefore = emulator.requests.filter((r) => r.path.endsWith('/oauth/token')).length;
        const key = `race-key-${round}`;
        const [viaA, viaB] = await Promise.all([
          completeLikeTheExtension(a.url, session.id, key, session.grant),
          completeLikeTheExtension(b.url, session.id, key, session.grant),
        ]);
        expect(viaA.status, JSON.stringify(viaA.body)).toBeLessThan(300);
        expect(viaB).toEqual(viaA);
        expect(emulator.requests.filter((r) => r.path.endsWith('/oauth/token')).length - exchangesBefore).toBe(1);
      }
      const list = (await (await api(b.url, '/api/v1/integrations')).json()) as { integrations: Array<{ stripeAccountId: string }> };
      // Rounds 1 and 3 are the same Stripe account: reconnecting it keeps its one integration.
      expect(list.integrations.map((i) => i.stripeAccountId).sort()).toEqual(['acct_1AcmeStoreTest00', 'acct_1GlobexShopTest0']);
    },
    90_000,
  );

  it.runIf(postgresUrl)(
    'answers 503 with a problem body while its database is away, and recovers when it returns',
    async () => {
      // A PostgreSQL of its own, to stop and start.
      const database = await startPostgres();
      cleanup.push(() => database.destroy());
      const t = await startTestServer({ databaseUrl: await database.createDatabase(), encryptionKey: TEST_ENCRYPTION_KEY });
      cleanup.push(() => t.close());
      expect((await t.api('/api/v1/me')).status).toBe(200);

      await database.stop();
      for (const path of ['/api/v1/me', '/api/v1/integrations']) {
        const away = await t.api(path);
        expect(away.status).toBe(503);
        expect(away.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(away.headers.get('retry-after')).toBe('5');
        expect(await away.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
      }

      await database.start();
      const back = await t.api('/api/v1/me');
      expect(back.status).toBe(200);
      expect(await back.json()).toMatchObject({ role: 'admin' });
    },
    60_000,
  );
});
