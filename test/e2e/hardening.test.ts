/**
 * What an independent implementation of the contract found (the hardening issue), one test per
 * finding, in both browsers where the browser allows the case: repeated security parameters, a
 * success that must not read as a refusal, "gone" that is not "wrong workspace", double Connect, a
 * tab landing in Stripe's window, Stripe's JSON error page, an unknown status, an abandoned Stripe
 * window, and the profile after a 401.
 */
import type { Page } from 'puppeteer-core';
import type { ReferenceServerOptions } from '../../server/dev/reference-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BROWSERS,
  clickConnect,
  configureWorkspace,
  extensionStorage,
  injectFault,
  listedIntegrations,
  openPopup,
  requestLog,
  serviceWorker,
  signInOnEmulator,
  startWorld,
  textOf,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  DEMO_ADMIN_TOKEN,
  type World,
  isAuthorizePage,
  shortenClientTimeout,
} from './support';

const SESSIONS = '^/api/v1/connect-sessions$';
const LIST = '^/api/v1/integrations$';
const FLOW = '[data-testid=flow-status]';
const poll = { timeout: 20_000, interval: 100 };

/** The page's own `browser` (native in Firefox and Chromium 148+). */
type PageBrowser = typeof chrome;
declare const browser: PageBrowser;

/** A connect session made for this browser's extension, as the workspace would answer it. */
async function realSession(world: World, popup: Page) {
  const redirectUri = await popup.evaluate(() => browser.identity.getRedirectURL('stripe'));
  const response = await fetch(`${world.server.url}/api/v1/connect-sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ provider: 'stripe', redirectUri }),
  });
  return (await response.json()) as { id: string; authorizeUrl: string; expiresAt: string };
}

/** The next connect session the extension asks for gets this authorize URL. */
async function answerNextSessionWith(world: World, popup: Page, tamper: (url: URL) => string) {
  const session = await realSession(world, popup);
  const authorizeUrl = tamper(new URL(session.authorizeUrl));
  await injectFault(world, { method: 'POST', path: SESSIONS, kind: 'respond', status: 201, body: { ...session, authorizeUrl } });
}

/** Distinct Stripe authorizations shown (Firefox may load one authorize page twice). */
const authorizePagesOpened = (world: World) =>
  new Set(world.server.emulator!.requests.filter((r) => r.method === 'GET' && isAuthorizePage(r.path)).map((r) => r.query)).size;

const flowOf = async (page: Page) => (await extensionStorage(page)).flow as { phase: string; windowId?: number; error?: { code: string } };

/** Seeds integrations on the workspace and waits until the popup lists them. */
async function seedAndList(world: World, count: number): Promise<Page> {
  await fetch(`${world.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count }) });
  const popup = await openPopup(world);
  await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(count);
  return popup;
}

/** A colleague removes an integration in the workspace, behind the popup's back. */
async function removeInWorkspace(world: World, integrationId: string): Promise<void> {
  const response = await fetch(`${world.server.url}/api/v1/integrations/${integrationId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(204);
}

describe.each(BROWSERS)('hardening: what an independent workspace found (%s)', (browserName) => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  async function start(server: Partial<ReferenceServerOptions> = {}) {
    world = await startWorld({ browser: browserName, server });
    await configureWorkspace(world);
  }

  it.each([
    ['a scope of read_write added (Connect: after its read_only)', (u: URL) => `${u}&scope=read_write`],
    ['our redirect_uri followed by a foreign one', (u: URL) => `${u}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`],
    ['a second state', (u: URL) => `${u}&state=attacker-chosen-state-value`],
    ['a mixed-case SCOPE=read_write', (u: URL) => `${u}&SCOPE=read_write`],
  ])('1. an authorize URL with %s is never opened', async (_name, tamper) => {
    await start();
    const popup = await openPopup(world);
    await answerNextSessionWith(world, popup, tamper);
    await clickConnect(popup);
    await waitForText(popup, "not Stripe's, so it was not opened", FLOW);
    expect(authorizePagesOpened(world)).toBe(0);
    expect(world.browser.targets().filter((t) => isAuthorizePage(t.url()))).toEqual([]);
  });

  it('2. a workspace slower than the client: the overlapping retry is told "in progress", and the admin sees Successful connection, once', async () => {
    await start();
    // Stripe takes 6 s to exchange the code; the extension gives up on an answer after 3 s here
    // (15 s in what admins run: the test shortens it rather than wait).
    await fetch(`${world.server.emulator!.url}/__emulator/slow-token`, { method: 'POST', body: JSON.stringify({ delayMs: 6_000 }) });
    const popup = await openPopup(world);
    await shortenClientTimeout(popup, 3_000);
    const stripe = waitForStripeWindow(world);
    await clickConnect(popup);
    await signInOnEmulator(await stripe);
    await waitForText(popup, 'The workspace is still finishing an earlier attempt', FLOW, 25_000);
    const shown = await waitForText(popup, 'Successful connection', FLOW, 20_000);
    expect(shown).toContain('Acme Store');
    expect(shown).not.toContain('refused');
    expect(await workspaceIntegrations(world)).toHaveLength(1);
    const completes = (await requestLog(world)).filter((r) => /complete$/.test(r.path)).map((r) => r.status);
    expect(completes).toContain(409);
    expect(completes.at(-1)).toBe(201);
  }, 60_000);

  it('3. reauthenticating or disconnecting what a colleague already removed says so, and the row goes', async () => {
    await start();
    const popup = await seedAndList(world, 2);
    await removeInWorkspace(world, 'int_seed00000');

    await popup.locator('button[aria-label="Reauthenticate Seeded Store 0"]').click();
    await waitForText(popup, 'had already been removed from the workspace', FLOW);
    expect(await textOf(popup)).not.toContain('No workspace API answered');
    await expect.poll(async () => (await listedIntegrations(popup)).join('\n'), poll).not.toContain('Seeded Store 0');

    await popup.locator('button[aria-label=Dismiss]').click();
    await removeInWorkspace(world, 'int_seed00001');
    await popup.locator('button[aria-label="Disconnect Seeded Store 1"]').click();
    await popup.locator('button.danger').click();
    const list = 'section[aria-labelledby=data-sources-heading]';
    await waitForText(popup, 'had already been removed from the workspace', list);
    await waitForText(popup, 'No data sources yet', list);
    expect(await textOf(popup)).not.toContain('No workspace API answered');
  });

  it('4. a double-click on Connect, and two Connects in the same instant, start one flow that ends in one connection; Show the Stripe window brings it forward', async () => {
    await start();
    const popup = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    // Two Connect commands in the same instant, then the admin's double-click while it starts.
    await popup.evaluate(() => {
      void browser.runtime.sendMessage({ type: 'connect' });
      void browser.runtime.sendMessage({ type: 'connect' });
    });
    // The primary button is Connect, disabled or "Show the Stripe window" by now, whichever is shown.
    await popup.click('.stripe-card button.primary', { count: 2 });
    const stripePage = await stripe;
    await waitForText(popup, 'Sign in with Stripe in the window that opened', FLOW);
    if (browserName === 'firefox') {
      // The admin goes back to the popup's window; "Show the Stripe window" brings Stripe's forward.
      // (Headless Chromium has no window focus to observe.)
      const stripeWindowId = ((await extensionStorage(popup)).flow as { windowId: number }).windowId;
      const focused = () => popup.evaluate(async () => (await browser.windows.getLastFocused()).id);
      await popup.evaluate(async () => {
        await browser.windows.update((await browser.windows.getCurrent()).id!, { focused: true });
      });
      await expect.poll(focused, poll).not.toBe(stripeWindowId);
      await popup.locator('button ::-p-text(Show the Stripe window)').click();
      await expect.poll(focused, poll).toBe(stripeWindowId);
    }
    await signInOnEmulator(stripePage);
    await waitForText(popup, 'Successful connection', FLOW);
    expect(await workspaceIntegrations(world)).toHaveLength(1);
    expect((await requestLog(world)).filter((r) => r.path === '/api/v1/connect-sessions')).toHaveLength(1);
    expect(authorizePagesOpened(world)).toBe(1);
    expect(await textOf(popup)).not.toMatch(/Only one web auth flow|cancelled/);
  });

  it("5. a tab opened while Stripe's window is in front does not land in it, and the sign-in still completes", async () => {
    await start();
    const popup = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    await clickConnect(popup);
    const stripePage = await stripe;
    await expect.poll(async () => (await flowOf(popup)).windowId, poll).toBeTypeOf('number');
    const stripeWindowId = (await flowOf(popup)).windowId!;
    const elsewhere = `${world.server.emulator!.url}/__emulator/deauthorizations`;
    // A tab opened into Stripe's window (Firefox puts new tabs in the focused window).
    const tabId = await popup.evaluate(
      async (windowId, url) => (await browser.tabs.create({ windowId, url }).catch(() => null))?.id ?? null,
      stripeWindowId,
      elsewhere,
    );
    if (tabId !== null) {
      await expect
        .poll(async () => popup.evaluate(async (id) => (await browser.tabs.get(id)).windowId, tabId), poll)
        .not.toBe(stripeWindowId);
    }
    await signInOnEmulator(stripePage);
    // The moved tab is in front of its new window now; the admin looks at the popup again.
    await popup.bringToFront();
    expect(await waitForText(popup, 'Successful connection', FLOW)).toContain('Acme Store');
  });

  it("6. Stripe's JSON error page (a client id Stripe does not know): the admin gets a way out and a clear message", async () => {
    await start();
    const popup = await openPopup(world);
    await answerNextSessionWith(world, popup, (u) => (u.searchParams.set('client_id', 'ca_NotThisPlatform'), u.toString()));
    await clickConnect(popup);
    if (browserName === 'firefox') {
      // Firefox shows Stripe's JSON in the window and waits: Cancel is the way out.
      await waitForText(popup, 'If Stripe shows an error instead of its sign-in, choose Cancel', FLOW);
      await expect.poll(async () => (await flowOf(popup)).windowId, poll).toBeTypeOf('number');
      await popup.locator('button ::-p-text(Cancel)').click();
      await waitForText(popup, 'The connection was cancelled and nothing was connected', FLOW);
    } else {
      // Chromium reports the error page at once.
      await waitForText(popup, 'Stripe could not complete the authorization', FLOW);
    }
    await expect.poll(async () => world.browser.targets().filter((t) => isAuthorizePage(t.url())).length, poll).toBe(0);
    expect(await workspaceIntegrations(world)).toEqual([]);
  });

  it('7. an unknown status is shown neutrally, and an item the extension cannot read hides nothing else', async () => {
    await start();
    const integration = (id: string, name: string, status: string) => ({
      id,
      provider: 'stripe',
      status,
      stripeAccountId: `acct_${id}`,
      stripeAccountName: name,
      livemode: false,
      connectedAt: '2026-11-24T10:00:00.000Z',
      lastSyncAt: null,
      reason: null,
      addedInV2: { anything: true },
    });
    const body = {
      integrations: [
        integration('a', 'Alpha Store', 'active'),
        integration('b', 'Beta Store', 'paused'),
        integration('c', 'Gamma Store', 'expired'),
        { id: 'd', provider: 'shopify', status: 'active', shop: 'delta.myshopify.com' },
      ],
    };
    await injectFault(world, { method: 'GET', path: LIST, kind: 'respond', status: 200, body, headers: { ETag: '"v2"' } });
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(3);
    const rows = await listedIntegrations(popup);
    expect(rows[0]).toContain('Gamma Store');
    expect(rows.find((r) => r.includes('Beta Store'))).toContain('Unknown status: paused');
    expect(await textOf(popup)).toContain('1 more data source is not shown');
    expect(await textOf(popup)).not.toContain('does not understand');
  });

  it('8. a connect session that expires while Stripe’s window is open closes the window and says so', async () => {
    await start({ sessionTtlSeconds: 6 });
    const popup = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    await clickConnect(popup);
    await stripe;
    await waitForText(popup, 'The connection request expired before it was finished', FLOW, 20_000);
    await expect.poll(async () => world.browser.targets().filter((t) => isAuthorizePage(t.url())).length, poll).toBe(0);
  });

  if (browserName === 'chromium') {
    it('8. a service worker stopped while Stripe’s window is open: the new worker closes that window and says so', async () => {
      await start();
      const popup = await openPopup(world);
      const stripe = waitForStripeWindow(world);
      await clickConnect(popup);
      await stripe;
      await expect.poll(async () => (await flowOf(popup)).windowId, poll).toBeTypeOf('number');
      await (await serviceWorker(world)).close();
      await popup.close();
      // Anything that wakes the worker (here, the admin opening the popup) finds the flow cut off.
      const reopened = await openPopup(world);
      await waitForText(reopened, 'The connection was interrupted before it finished', FLOW);
      await expect.poll(async () => world.browser.targets().filter((t) => isAuthorizePage(t.url())).length, poll).toBe(0);
    });
  }

  it('9. a token refused after sign-in: the popup no longer says "Signed in as", and offers the settings', async () => {
    await start();
    const popup = await openPopup(world);
    await waitForText(popup, 'Signed in as Ana García');
    await injectFault(world, { method: 'GET', path: LIST, kind: 'status', status: 401, code: 'invalid_token', times: 10 });
    await popup.evaluate(() => void browser.runtime.sendMessage({ type: 'check-health' }));
    await waitForText(popup, 'The workspace rejected this API token');
    expect(await textOf(popup)).not.toContain('Signed in as');
    expect(await popup.$('button ::-p-text(Open settings)')).not.toBeNull();
  });
});
