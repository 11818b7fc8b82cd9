/**
 * The emulator's list endpoints, read with the `stripe` package as the workspace reads them: every
 * object once, newest first (and back with `ending_before`), Stripe's errors, objects created and
 * deleted later with their events, the faults a sync meets, and a 50,000-row account.
 */
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { accountWithRows, ACME_STORE_ROWS, DEMO_ACCOUNT_CREATED, EMULATED_API_VERSION } from '../../server/dev/emulated-stripe-data';
import {
  DEFAULT_ACCOUNTS,
  EMULATOR_CLIENT_ID,
  EMULATOR_INSTALL_PATHS,
  EMULATOR_SECRET_KEYS,
  startStripeEmulator,
  type EmulatorOptions,
  type StripeEmulator,
} from '../../server/dev/stripe-emulator';
import { authorizeOnEmulator, REDIRECT_URI } from './helpers';

const ACME = 'acct_1AcmeStoreTest00';
const GLOBEX = 'acct_1GlobexShopTest0';

describe('the Stripe emulator’s lists', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function emulator(options: EmulatorOptions = {}) {
    const started = await startStripeEmulator({ host: '127.0.0.1', ...options });
    cleanup.push(() => started.close());
    // The platform's client, as the workspace makes it for the emulator.
    const stripe = new Stripe(EMULATOR_SECRET_KEYS.test, { host: '127.0.0.1', port: Number(new URL(started.url).port), protocol: 'http' });
    return { emulator: started, stripe };
  }

  /** Installs the app in test mode for an account, as a merchant would: its access token. */
  async function installApp(on: StripeEmulator, email = 'owner@acme.test'): Promise<string> {
    const link = new URL(EMULATOR_INSTALL_PATHS.test, on.url);
    link.search = new URLSearchParams({ client_id: EMULATOR_CLIENT_ID, redirect_uri: REDIRECT_URI, state: 'state' }).toString();
    const code = (await authorizeOnEmulator(link.toString(), { email })).searchParams.get('code')!;
    return (await exchange(on, '/v1/oauth/token', code)).access_token;
  }

  /** Connects an account to the platform (Connect OAuth), so the platform's key may act for it. */
  async function connectPlatform(on: StripeEmulator, email = 'owner@acme.test') {
    const link = new URL('/oauth/authorize', on.url);
    link.search = new URLSearchParams({
      response_type: 'code',
      client_id: EMULATOR_CLIENT_ID,
      scope: 'read_only',
      redirect_uri: REDIRECT_URI,
    }).toString();
    const code = (await authorizeOnEmulator(link.toString(), { email })).searchParams.get('code')!;
    await exchange(on, '/oauth/token', code);
  }

  async function exchange(on: StripeEmulator, path: string, code: string) {
    const response = await fetch(new URL(path, on.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${EMULATOR_SECRET_KEYS.test}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string };
  }

  async function control(on: StripeEmulator, accountId: string, action: string, body: unknown) {
    const response = await fetch(`${on.url}/__emulator/accounts/${accountId}/${action}`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { ids: string[]; eventIds: string[] };
  }

  const listRequests = (on: StripeEmulator, path = '/v1/customers') => on.requests.filter((r) => r.path === path);

  it('auto-pagination yields every customer exactly once, newest first, and objects refer to ones that exist', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    const customers: Stripe.Customer[] = [];
    for await (const customer of stripe.customers.list({ limit: 100 }, { apiKey })) customers.push(customer);

    expect(customers).toHaveLength(ACME_STORE_ROWS.customers);
    expect(new Set(customers.map((c) => c.id)).size).toBe(customers.length);
    expect(customers.every((c, i) => i === 0 || c.created <= customers[i - 1]!.created)).toBe(true);
    expect(customers.every((c) => c.id.startsWith('cus_') && c.email?.includes('@') && !c.livemode)).toBe(true);
    // From the account's creation to the emulator's start.
    expect(customers.at(-1)!.created).toBe(DEMO_ACCOUNT_CREATED);
    expect(customers[0]!.created).toBeLessThanOrEqual(Date.now() / 1000);
    expect(listRequests(on).map((r) => r.status)).toEqual(Array(15).fill(200));

    const customerIds = new Set(customers.map((c) => c.id));
    const charges = await stripe.charges.list({ limit: 100 }, { apiKey });
    expect(
      charges.data.every((charge) => customerIds.has(charge.customer as string) && charge.paid === (charge.status === 'succeeded')),
    ).toBe(true);
    const prices = new Set((await stripe.prices.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 1000 })).map((p) => p.id));
    expect(prices.size).toBe(ACME_STORE_ROWS.prices);
    const subscriptions = await stripe.subscriptions.list({ limit: 100 }, { apiKey });
    expect(subscriptions.data.every((s) => customerIds.has(s.customer as string) && prices.has(s.items.data[0]!.price.id))).toBe(true);
    const events = await stripe.events.list({ limit: 100 }, { apiKey });
    for (const event of events.data) {
      expect(event).toMatchObject({
        object: 'event',
        api_version: EMULATED_API_VERSION,
        livemode: false,
        pending_webhooks: 0,
        request: { idempotency_key: null },
        data: { object: { id: expect.any(String), livemode: false } },
      });
    }
    expect((await stripe.accounts.retrieveCurrent({}, { apiKey })).created).toBe(DEMO_ACCOUNT_CREATED);
  });

  it('pages backwards with ending_before: the nearest newer ones, newest first; auto-pagination then runs oldest first', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    const all = (await stripe.customers.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 2000 })).map((c) => c.id);

    const page = await stripe.customers.list({ limit: 100, ending_before: all[250]! }, { apiKey });
    expect(page.data.map((c) => c.id)).toEqual(all.slice(150, 250));
    expect(page.has_more).toBe(true);
    const last = await stripe.customers.list({ limit: 100, ending_before: all[50]! }, { apiKey });
    expect(last.data.map((c) => c.id)).toEqual(all.slice(0, 50));
    expect(last.has_more).toBe(false);

    const backwards: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 100, ending_before: all[1000]! }, { apiKey })) backwards.push(customer.id);
    expect(backwards).toEqual(all.slice(0, 1000).reverse());
    const forwards = await stripe.customers.list({ limit: 100, starting_after: all[1400]! }, { apiKey }).autoPagingToArray({ limit: 2000 });
    expect(forwards.map((c) => c.id)).toEqual(all.slice(1401));
  });

  it('answers Stripe’s errors: a limit out of range, an unknown cursor, an unknown parameter', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    expect((await stripe.customers.list({}, { apiKey })).data).toHaveLength(10);
    for (const limit of [0, 101]) {
      await expect(stripe.customers.list({ limit }, { apiKey })).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 400,
        param: 'limit',
      });
    }
    expect((await stripe.customers.list({ limit: 100 }, { apiKey })).data).toHaveLength(100);

    const unknown = await fetch(`${on.url}/v1/customers?starting_after=cus_x`, { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: { type: 'invalid_request_error', code: 'resource_missing', param: 'starting_after', message: "No such customer: 'cus_x'" },
    });
    // Another account's id is no cursor here either.
    const globex = (await stripe.customers.list({ limit: 1 }, { apiKey: await installApp(on, 'owner@globex.test') })).data[0]!;
    await expect(stripe.customers.list({ ending_before: globex.id }, { apiKey })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'ending_before',
    });
    await expect(stripe.customers.list({ expand: ['data.default_source'] }, { apiKey })).rejects.toMatchObject({
      statusCode: 400,
      message: 'Received unknown parameter: expand[0]',
    });
  });

  it('lists subscriptions without the canceled ones unless status=all', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    const all = await stripe.subscriptions.list({ limit: 100, status: 'all' }, { apiKey }).autoPagingToArray({ limit: 1000 });
    const current = await stripe.subscriptions.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 1000 });
    expect(all).toHaveLength(ACME_STORE_ROWS.subscriptions);
    const statuses = new Set(all.map((s) => s.status));
    expect([...statuses].sort()).toEqual(['active', 'canceled', 'past_due', 'trialing']);
    expect(current.map((s) => s.id)).toEqual(all.filter((s) => s.status !== 'canceled').map((s) => s.id));
    const canceled = await stripe.subscriptions.list({ limit: 100, status: 'canceled' }, { apiKey }).autoPagingToArray({ limit: 1000 });
    expect(canceled.length + current.length).toBe(all.length);
  });

  it('filters by created, and events by type, within the same pagination', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    const all = await stripe.charges.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 5000 });
    const since = all[300]!.created;
    const recent = await stripe.charges.list({ limit: 100, created: { gte: since } }, { apiKey }).autoPagingToArray({ limit: 5000 });
    expect(recent.map((c) => c.id)).toEqual(all.filter((c) => c.created >= since).map((c) => c.id));
    const customerEvents = await stripe.events.list({ limit: 100, type: 'customer.*' }, { apiKey }).autoPagingToArray({ limit: 1000 });
    expect(customerEvents.length).toBeGreaterThan(0);
    expect(customerEvents.every((e) => e.type.startsWith('customer.') && e.created >= (e.data.object as { created: number }).created)).toBe(
      true,
    );
  });

  it('Connect: the platform’s key reads a connected account’s lists, and is refused for one not connected', async () => {
    const { emulator: on, stripe } = await emulator();
    await expect(stripe.customers.list({ limit: 3 }, { stripeAccount: ACME })).rejects.toMatchObject({
      type: 'StripePermissionError',
      statusCode: 403,
      code: 'account_invalid',
    });
    await connectPlatform(on);
    const acme = await stripe.customers.list({ limit: 3 }, { stripeAccount: ACME });
    expect(acme.data).toHaveLength(3);
    expect(acme.data[0]!.id).toMatch(/^cus_/);
    await expect(stripe.invoices.list({ limit: 3 }, { stripeAccount: GLOBEX })).rejects.toMatchObject({ code: 'account_invalid' });
    // Stripe down for the account: before the key is even checked.
    await fetch(`${on.url}/__emulator/accounts/${ACME}/fail-api`, { method: 'POST' });
    await expect(stripe.customers.list({ limit: 3 }, { stripeAccount: ACME, maxNetworkRetries: 0 })).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    });
  });

  it('rate limits: the next requests answer 429, surfaced as StripeRateLimitError and not retried; then pages again', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    await control(on, ACME, 'rate-limit', { count: 3 });
    for (let i = 0; i < 3; i++) {
      const refused = await stripe.customers.list({ limit: 10 }, { apiKey }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(refused).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    }
    expect((await stripe.customers.list({ limit: 10 }, { apiKey })).data).toHaveLength(10);
    expect(listRequests(on).map((r) => r.status)).toEqual([429, 429, 429, 200]);
  });

  it('a permission the app lacks: 403 more_permissions_required_for_application for that list, until allowed', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    await control(on, ACME, 'deny', { object: 'invoices' });
    const refused = await stripe.invoices.list({ limit: 5 }, { apiKey }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(refused).toMatchObject({ statusCode: 403, code: 'more_permissions_required_for_application' });
    expect((refused as Error).message).toContain("'invoice_read' permission");
    expect((await stripe.customers.list({ limit: 5 }, { apiKey })).data).toHaveLength(5);
    await control(on, ACME, 'allow', { object: 'invoices' });
    expect((await stripe.invoices.list({ limit: 5 }, { apiKey })).data).toHaveLength(5);
  });

  it('tokens revoked in the middle of an import: the page after the allowed ones answers 401', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    await control(on, ACME, 'revoke-after', { pages: 4 });
    const seen: string[] = [];
    const stopped = await stripe.customers
      .list({ limit: 100 }, { apiKey })
      .autoPagingEach((customer) => void seen.push(customer.id))
      .catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(stopped).toMatchObject({ statusCode: 401, code: 'api_key_invalid' });
    expect(seen).toHaveLength(400);
    expect(listRequests(on).map((r) => r.status)).toEqual([200, 200, 200, 200, 401]);
    await expect(stripe.balance.retrieve({}, { apiKey })).rejects.toMatchObject({ statusCode: 401 });
  });

  it('paces list pages: per account, over the default', async () => {
    const { emulator: on, stripe } = await emulator({ listDelayMs: 120 });
    const apiKey = await installApp(on);
    const timed = async () => {
      const started = performance.now();
      await stripe.customers.list({ limit: 100 }, { apiKey });
      return performance.now() - started;
    };
    expect(await timed()).toBeGreaterThanOrEqual(115);
    await control(on, ACME, 'pace', { delayMs: 0 });
    expect(await timed()).toBeLessThan(100);
    await control(on, ACME, 'pace', { delayMs: 250 });
    expect(await timed()).toBeGreaterThanOrEqual(245);
  });

  it('objects created and deleted later come first in their lists, and their events in order after the last one seen', async () => {
    const { emulator: on, stripe } = await emulator();
    const apiKey = await installApp(on);
    const [newestEvent] = (await stripe.events.list({ limit: 1 }, { apiKey })).data;
    const oldCustomer = (await stripe.customers.list({ limit: 2 }, { apiKey })).data[1];

    // Later than the emulator started (ten minutes on: the access token lives an hour).
    await fetch(`${on.url}/__emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 600 }) });
    const created = await control(on, ACME, 'create', { object: 'customers', count: 5 });
    expect(created.ids).toHaveLength(5);
    const deleted = await control(on, ACME, 'delete', { object: 'customers', id: oldCustomer!.id });
    expect(deleted.ids).toEqual([oldCustomer!.id]);
    const subscription = (await stripe.subscriptions.list({ limit: 1 }, { apiKey })).data[0]!;
    await control(on, ACME, 'delete', { object: 'subscriptions', id: subscription.id });

    const customers = await stripe.customers.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 2000 });
    expect(customers.slice(0, 5).map((c) => c.id)).toEqual([...created.ids].reverse());
    expect(customers[0]!.created).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 590);
    expect(customers).toHaveLength(ACME_STORE_ROWS.customers + 5 - 1);
    expect(customers.some((c) => c.id === oldCustomer!.id)).toBe(false);
    await expect(stripe.customers.list({ starting_after: oldCustomer!.id }, { apiKey })).rejects.toMatchObject({
      code: 'resource_missing',
    });
    // A canceled subscription stays, as at Stripe, for status=all.
    const all = await stripe.subscriptions.list({ limit: 100, status: 'all' }, { apiKey }).autoPagingToArray({ limit: 1000 });
    expect(all.find((s) => s.id === subscription.id)?.status).toBe('canceled');
    expect((await stripe.subscriptions.list({ limit: 100 }, { apiKey }).autoPagingToArray({ limit: 1000 })).map((s) => s.id)).not.toContain(
      subscription.id,
    );

    // What an incremental sync reads: the events after the newest it had, oldest first.
    const since: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ limit: 2, ending_before: newestEvent!.id }, { apiKey })) since.push(event);
    expect(since.map((e) => [e.type, (e.data.object as { id: string }).id])).toEqual([
      ...created.ids.map((id) => ['customer.created', id]),
      ['customer.deleted', oldCustomer!.id],
      ['customer.subscription.deleted', subscription.id],
    ]);
    expect(since.map((e) => e.id)).toEqual([...created.eventIds, ...deleted.eventIds, expect.stringMatching(/^evt_/)]);
    expect(since[5]!.data.object).toMatchObject({ id: oldCustomer!.id, deleted: true });
    expect(since[6]!.data.object).toMatchObject({ status: 'canceled' });
  });

  it('a 50,000-row account starts at once, answers a page in well under 50 ms, and pages every customer', async () => {
    const bench = accountWithRows(50_000);
    expect(Object.values(bench.data!).reduce((sum, rows) => sum + rows, 0)).toBe(50_000);
    const starting = performance.now();
    const { emulator: on, stripe } = await emulator({ accounts: [...DEFAULT_ACCOUNTS, bench] });
    expect(performance.now() - starting).toBeLessThan(50);
    const apiKey = await installApp(on, 'owner@bench.test');
    await stripe.balance.retrieve({}, { apiKey }); // the client's first request sets itself up

    const timed = performance.now();
    const first = await stripe.customers.list({ limit: 100 }, { apiKey });
    expect(performance.now() - timed).toBeLessThan(50);
    expect(first.data).toHaveLength(100);

    const ids: string[] = [];
    let previous = Infinity;
    for await (const customer of stripe.customers.list({ limit: 100 }, { apiKey })) {
      expect(customer.created).toBeLessThanOrEqual(previous);
      previous = customer.created;
      ids.push(customer.id);
    }
    expect(ids).toHaveLength(bench.data!.customers!);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
