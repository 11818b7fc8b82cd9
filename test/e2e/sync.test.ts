/**
 * "Is my data arriving?" (issue #16), in the popup, against the reference workspace's real sync: the
 * first import's progress, then the totals matching the workspace's tables; an object the
 * connection may not read, shown on that object; revoked credentials mid-import, reauthenticated
 * from the popup, and the import going on from its cursor.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../server/dev/stripe-emulator';
import { countRows } from '../../server/src/data/sync-state';
import { SYNCED_OBJECTS, type SyncedObject } from '../../server/src/sync/objects';
import {
  BROWSERS,
  configureWorkspace,
  connectFromPopup,
  signInOnEmulator,
  startWorld,
  waitForStripeWindow,
  waitForText,
  type World,
} from './support';

const ACME = DEFAULT_ACCOUNTS[0]!;
const rowsOf = (object: SyncedObject) => ACME.data![object]!;
const poll = { timeout: 30_000, interval: 100 };
const format = (count: number) => count.toLocaleString('en-US');

describe.each(BROWSERS)('Sync state in the popup (%s)', (browser) => {
  let world: World;
  beforeEach(async () => {
    // The workspace syncs as it would in production, looking for due syncs often.
    world = await startWorld({ browser, server: { sync: { pollMs: 100 } } });
    await configureWorkspace(world);
  });
  afterEach(async () => {
    await world.close();
  });

  const emulator = async (action: string, body: unknown) => {
    const response = await fetch(`${world.server.emulator!.url}/__emulator/accounts/${ACME.id}/${action}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator control ${action} failed: ${response.status}`);
  };
  const tableRows = async (integrationId: string) =>
    Object.fromEntries(
      await Promise.all(SYNCED_OBJECTS.map(async (object) => [object, await countRows(world.server.db, integrationId, object)])),
    );
  const integrationId = async () => {
    const [row] = await world.server.db.query<{ id: string }>('SELECT id FROM integrations');
    return row!.id;
  };
  const syncLine = async (popup: Awaited<ReturnType<typeof connectFromPopup>>) =>
    popup.$eval('[data-testid=sync-line]', (line) => (line as HTMLElement).innerText).catch(() => '');

  it('shows the first import progressing, then totals that match the tables, and an object it may not read', async () => {
    // Paced so the import takes several seconds; invoices are not among what the app may read.
    await emulator('pace', { delayMs: 50 });
    await emulator('deny', { object: 'invoices' });
    const popup = await connectFromPopup(world);

    // The worker follows the import while the popup is open: the rows grow, "of about" the estimate.
    const importing = /^Importing (customers|charges|coupons|plans|prices|products|subscriptions|events) — ([\d,]+) of about ([\d,]+)$/;
    await expect.poll(() => syncLine(popup), poll).toMatch(importing);
    // The import moves on: the progress bar (objects done, and the share of the current one) grows.
    const progress = () => popup.$eval('progress', (bar) => bar.value).catch(() => Infinity);
    const seen = await progress();
    await expect.poll(progress, poll).toBeGreaterThan(seen);

    // Done: every object but invoices, as many rows as the workspace's tables hold.
    const readable = SYNCED_OBJECTS.filter((object) => object !== 'invoices');
    const total = readable.reduce((sum, object) => sum + rowsOf(object), 0);
    await expect.poll(() => syncLine(popup), poll).toMatch(new RegExp(`^8 tables · ${format(total)} rows · synced `));
    const id = await integrationId();
    const stored = await tableRows(id);
    expect(stored).toEqual({ ...Object.fromEntries(SYNCED_OBJECTS.map((o) => [o, rowsOf(o)])), invoices: 0 });
    expect(await popup.$('progress')).toBeNull();

    // The permission error is on invoices, with what to do, without opening anything.
    const error = await popup.$eval('.sync-error[data-object=invoices]', (p) => (p as HTMLElement).innerText);
    expect(error).toContain('Stripe does not let this connection read invoices');
    expect(error).toContain('Reauthenticate');

    // The table list, on request (keyboard: a disclosure button).
    const toggle = popup.locator('button[aria-label="Tables of Acme Store"]');
    await toggle.click();
    expect(await popup.$eval('button[aria-label="Tables of Acme Store"]', (b) => b.getAttribute('aria-expanded'))).toBe('true');
    const tables = await popup.$$eval('[data-testid=sync-tables] tr', (rows) =>
      rows.map((row) => [...row.children].map((cell) => (cell as HTMLElement).innerText.trim())),
    );
    expect(tables.map(([name]) => name?.toLowerCase())).toEqual([...SYNCED_OBJECTS]);
    expect(tables.find(([name]) => name === 'Customers')?.[1]).toBe(format(rowsOf('customers')));
    expect(tables.find(([name]) => name === 'Invoices')?.slice(1)).toEqual(['0', 'not allowed']);
  });

  it('revoked mid-import: paused and expired; reauthenticated from the popup, it goes on from its cursor', async () => {
    // Stripe stops accepting the credentials after 20 pages: customers (15) are in, charges part-way.
    await emulator('pace', { delayMs: 20 });
    await emulator('revoke-after', { pages: 20 });
    const popup = await connectFromPopup(world);
    await expect.poll(async () => (await syncLine(popup)).startsWith('Import paused at charges'), poll).toBe(true);
    await waitForText(popup, 'Expired');
    const id = await integrationId();
    const paused = await tableRows(id);
    expect(paused.customers).toBe(rowsOf('customers'));
    expect(paused.charges).toBeGreaterThan(0);
    expect(paused.charges).toBeLessThan(rowsOf('charges'));
    expect(await syncLine(popup)).toBe(`Import paused at charges (${format(paused.charges)} so far)`);

    const listCalls = () => world.server.emulator!.requests.filter((r) => /^\/v1\/(?!oauth\/|account)/.test(r.path));
    const before = listCalls().length;
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Reauthenticate Acme Store"]').click();
    await signInOnEmulator(await stripeWindow);
    await waitForText(popup, 'Successful connection');

    const total = SYNCED_OBJECTS.reduce((sum, object) => sum + rowsOf(object), 0);
    await expect.poll(() => syncLine(popup), poll).toMatch(new RegExp(`^9 tables · ${format(total)} rows · synced `));
    // Every row once: the tables hold exactly the account's rows…
    expect(await tableRows(id)).toEqual(Object.fromEntries(SYNCED_OBJECTS.map((o) => [o, rowsOf(o)])));
    // …and the import went on after the last stored charge: customers were not read again.
    const after = listCalls().slice(before);
    expect(after.some((r) => r.path === '/v1/customers')).toBe(false);
    expect(after.find((r) => r.path === '/v1/charges')?.query).toContain('starting_after=');
  });
});
