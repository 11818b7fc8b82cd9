/**
 * The reference workspace syncs the connected account's Stripe data (issue #16): a full import of
 * every object through the `stripe` package, then incremental from events; 429s waited out, a
 * permission error kept to its object, revoked credentials paused and resumed from the cursor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accountWithRows } from '../../server/dev/emulated-stripe-data';
import { DEFAULT_ACCOUNTS } from '../../server/dev/stripe-emulator';
import { countRows } from '../../server/src/data/sync-state';
import { SYNCED_OBJECTS, type SyncedObject } from '../../server/src/sync/objects';
import { expectContract } from './contract';
import { authorizeOnEmulator, REDIRECT_URI, startTestServer } from './helpers';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
interface SyncObject {
  name: SyncedObject;
  rows: number;
  importing: boolean;
  expectedRows: number | null;
  lastSuccessAt: string | null;
  error: { code: string; message: string } | null;
}
interface ListedIntegration {
  id: string;
  status: string;
  lastSyncAt: string | null;
  reason: string | null;
  sync: { importing: boolean; objects: SyncObject[] } | null;
}

const ACME = DEFAULT_ACCOUNTS[0]!;
const acmeRows = (object: SyncedObject) => ACME.data![object]!;

describe('syncing Stripe data', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  async function connect(options: { email?: string; integrationId?: string } = {}) {
    const session = (await (
      await t.api('/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({
          provider: 'stripe',
          redirectUri: REDIRECT_URI,
          ...(options.integrationId ? { integrationId: options.integrationId } : {}),
        }),
      })
    ).json()) as { id: string; authorizeUrl: string };
    const redirect = await authorizeOnEmulator(session.authorizeUrl, { email: options.email ?? ACME.email });
    const response = await t.api(`/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': `key-${session.id}` },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    expect(response.ok).toBe(true);
    return (await response.json()) as { id: string; stripeAccountId: string };
  }

  const emulator = (accountId: string, action: string, body: unknown = {}) =>
    fetch(`${t.server.emulator!.url}/__emulator/accounts/${accountId}/${action}`, { method: 'POST', body: JSON.stringify(body) }).then(
      async (response) => {
        expect(response.ok, await response.clone().text()).toBe(true);
        return response.json();
      },
    );
  const syncNow = async (id: string) => {
    const response = await t.api(`/__test/integrations/${id}/sync`, { method: 'POST', token: null });
    expect(response.status).toBe(200);
    return (await response.json()) as ListedIntegration;
  };
  async function listed(id: string, language = 'en'): Promise<ListedIntegration> {
    const response = await t.api('/api/v1/integrations', { headers: { 'Accept-Language': language } });
    const { integrations } = (await expectContract('GET', '/api/v1/integrations', response)) as { integrations: ListedIntegration[] };
    return integrations.find((integration) => integration.id === id)!;
  }
  /** Stripe's list calls (not the token exchange, nor reading the account). */
  const listCalls = () => t.server.emulator!.requests.filter((r) => /^\/v1\/(?!oauth\/|account)/.test(r.path));
  const rowsOf = (integration: ListedIntegration) => Object.fromEntries(integration.sync!.objects.map((o) => [o.name, o.rows]));
  async function tableRows(id: string) {
    return Object.fromEntries(await Promise.all(SYNCED_OBJECTS.map(async (object) => [object, await countRows(t.server.db, id, object)])));
  }
  const expectedAcme = () => Object.fromEntries(SYNCED_OBJECTS.map((object) => [object, acmeRows(object)]));
  /** Resolves once `check` passes, polling the API (the syncer works in the background). */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 400)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('imports every object of the account, reports rows matching its tables, then applies new events', async () => {
    t = await startTestServer({ testControls: true });
    const { id } = await connect();
    const before = await listed(id);
    // Connected, not yet synced: the import is about to start.
    expect(before.sync).toEqual({ importing: true, objects: [] });

    const synced = await syncNow(id);
    expect(synced.status).toBe('active');
    const after = await listed(id);
    expect(after.sync!.importing).toBe(false);
    expect(after.sync!.objects.map((o) => o.name)).toEqual([...SYNCED_OBJECTS]);
    expect(rowsOf(after)).toEqual(expectedAcme());
    expect(await tableRows(id)).toEqual(expectedAcme());
    for (const object of after.sync!.objects) {
      expect(object).toMatchObject({ importing: false, error: null, expectedRows: object.rows });
      // The same sync: its objects' success a moment before the integration's.
      expect(Date.parse(after.lastSyncAt!) - Date.parse(object.lastSuccessAt!)).toBeLessThan(1000);
    }

    // Incremental: five customers created and one deleted in Stripe are six new events.
    const created = (await emulator(ACME.id, 'create', { object: 'customers', count: 5 })) as { ids: string[] };
    await emulator(ACME.id, 'delete', { object: 'customers', id: created.ids[0] });
    const eventsBefore = acmeRows('events');
    await syncNow(id);
    const incremental = await listed(id);
    expect(rowsOf(incremental)).toEqual({ ...expectedAcme(), customers: acmeRows('customers') + 4, events: eventsBefore + 6 });
    expect(await tableRows(id)).toEqual(rowsOf(incremental));
    // Only the events since the cursor were read: no list but events was asked for again.
    const requests = listCalls();
    expect(requests.at(-1)).toMatchObject({ path: '/v1/events' });
    expect(requests.at(-1)!.query).toContain('ending_before=');

    // Disconnecting removes the integration's data with it.
    expect((await t.api(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(Object.values(await tableRows(id)).every((count) => count === 0)).toBe(true);
  });

  it('keeps a permission error to its object, worded for the admin, while the others import', async () => {
    t = await startTestServer({ testControls: true });
    const { id } = await connect();
    await emulator(ACME.id, 'deny', { object: 'invoices' });
    await syncNow(id);
    const denied = await listed(id);
    expect(denied.status).toBe('active');
    const invoices = denied.sync!.objects.find((o) => o.name === 'invoices')!;
    expect(invoices).toMatchObject({ rows: 0, importing: true, error: { code: 'permission_missing' } });
    expect(invoices.error!.message).toMatch(/read invoices.*Reauthenticate/);
    expect((await listed(id, 'es')).sync!.objects.find((o) => o.name === 'invoices')!.error!.message).toMatch(/lea facturas/);
    // The others are in; the import as a whole is done with what it may read.
    expect(denied.sync!.importing).toBe(false);
    expect(rowsOf(denied)).toEqual({ ...expectedAcme(), invoices: 0 });

    // The account owner grants it: the next sync imports invoices and the error goes.
    await emulator(ACME.id, 'allow', { object: 'invoices' });
    await syncNow(id);
    const allowed = await listed(id);
    expect(allowed.sync!.objects.find((o) => o.name === 'invoices')).toMatchObject({ rows: acmeRows('invoices'), error: null });
    expect(await tableRows(id)).toEqual(expectedAcme());
  });

  it('waits out a burst of 429s with growing backoff and imports everything', async () => {
    t = await startTestServer({ testControls: true, sync: { rateLimitBaseMs: 100, pollMs: 50 } });
    await emulator(ACME.id, 'rate-limit', { count: 3 });
    const { id } = await connect();
    const done = await eventually(
      () => listed(id),
      (integration) => integration.sync?.importing === false,
    );
    expect(done.status).toBe('active');
    expect(await tableRows(id)).toEqual(expectedAcme());
    const lists = listCalls();
    const limited = lists.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    // Each retry waited longer than the one before (100, 200, 400 ms, ±25 %).
    const retriedAt = lists.slice(0, 4).map((r) => Date.parse(r.at));
    const waits = retriedAt.slice(1).map((at, i) => at - retriedAt[i]!);
    expect(waits[0]).toBeGreaterThanOrEqual(70);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
  });

  it('pauses on revoked credentials and, once reauthenticated, goes on from its cursor without duplicates', async () => {
    t = await startTestServer({ testControls: true, sync: { pollMs: 50 } });
    // Revoked after 20 pages: 1,500 customers are 15 pages, so charges are part-way.
    await emulator(ACME.id, 'revoke-after', { pages: 20 });
    const { id } = await connect();
    const paused = await eventually(
      () => listed(id),
      (integration) => integration.status === 'expired',
    );
    expect(paused.sync!.importing).toBe(true);
    const charges = paused.sync!.objects.find((o) => o.name === 'charges')!;
    expect(charges.importing).toBe(true);
    expect(charges.rows).toBeGreaterThan(0);
    expect(charges.rows).toBeLessThan(acmeRows('charges'));
    const stored = await tableRows(id);
    expect(stored.charges).toBe(charges.rows);

    const requestsBefore = listCalls().length;
    await connect({ integrationId: id });
    const resumed = await eventually(
      () => listed(id),
      (integration) => integration.sync?.importing === false,
    );
    expect(resumed.status).toBe('active');
    expect(await tableRows(id)).toEqual(expectedAcme());
    expect(rowsOf(resumed)).toEqual(expectedAcme());
    // It went on after the last stored charge: customers were not read again.
    const after = listCalls().slice(requestsBefore);
    expect(after.some((r) => r.path === '/v1/customers')).toBe(false);
    expect(after.find((r) => r.path === '/v1/charges')!.query).toContain('starting_after=');
  });

  it('estimates how many rows a first import will find from how far back it has reached', async () => {
    t = await startTestServer({
      testControls: true,
      sync: { pollMs: 50 },
      emulator: {
        accounts: [accountWithRows(20_000, { id: 'acct_1EstimateStore00', email: 'owner@estimate.test', password: 'stripe-demo' })],
      },
    });
    await emulator('acct_1EstimateStore00', 'pace', { delayMs: 30 });
    const { id } = await connect({ email: 'owner@estimate.test' });
    const importing = await eventually(
      () => listed(id),
      (integration) => (integration.sync?.objects.find((o) => o.name === 'customers')?.rows ?? 0) >= 300,
    );
    const customers = importing.sync!.objects.find((o) => o.name === 'customers')!;
    expect(customers.importing).toBe(true);
    const total = accountWithRows(20_000).data!.customers!;
    // Rows are spread evenly over the account's life, so the estimate is close.
    expect(customers.expectedRows).toBeGreaterThan(total * 0.9);
    expect(customers.expectedRows).toBeLessThan(total * 1.1);
  });
});
