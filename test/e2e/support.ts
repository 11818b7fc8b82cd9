/**
 * The end-to-end world: the reference workspace with its Stripe emulator on free ports, and
 * Chromium with the development build of the extension, driven as an admin would drive them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetType, type Page, type WebWorker } from 'puppeteer-core';
import { afterAll, inject } from 'vitest';
import { launchChromiumWithExtension, type LaunchedChromium } from '../../scripts/launch-chromium';
import { launchFirefoxWithExtension } from '../../scripts/launch-firefox';
import { followLink, gotoLoopback, locationOf } from '../../scripts/page-navigation';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../server/dev/reference-server';
import { DEMO_ADMIN_TOKEN, DEMO_PASSWORD } from '../../server/src/model';
import { testDatabase } from '../support/pglite-template';
import { stateFromStorage, type StoredState } from '../../src/shared/state';

export { DEMO_ADMIN_TOKEN, DEMO_STANDARD_TOKEN } from '../../server/src/model';

export type BrowserName = 'chromium' | 'firefox';

/** The browsers the connect and reauthenticate suites run in. */
export const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

export interface World extends LaunchedChromium {
  name: BrowserName;
  server: ReferenceServer;
  close(): Promise<void>;
}

export async function startWorld(
  options: { lang?: string; server?: Partial<ReferenceServerOptions>; browser?: BrowserName; firefoxPrefs?: Record<string, unknown> } = {},
): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wc-e2e-'));
  const name = options.browser ?? 'chromium';
  // The workspace and the browser start side by side: opening the database is work for this
  // process, starting the browser mostly waiting for another (about 0.4 s a test).
  const [serverStart, browserStart] = await Promise.allSettled([
    (async () => startReferenceServer({ dataDir, database: await testDatabase(), testControls: true, ...options.server }))(),
    name === 'firefox'
      ? firefoxWithFreshExtension({
          ...(options.lang ? { lang: options.lang } : {}),
          ...(options.firefoxPrefs ? { prefs: options.firefoxPrefs } : {}),
        })
      : launchChromiumWithExtension({
          executablePath: inject('chromiumPath'),
          extensionDir: inject('extensionDir'),
          headless: true,
          ...(options.lang ? { lang: options.lang } : {}),
        }),
  ]);
  if (serverStart.status === 'rejected' || browserStart.status === 'rejected') {
    if (serverStart.status === 'fulfilled') await serverStart.value.close();
    if (browserStart.status === 'fulfilled' && name === 'chromium') await browserStart.value.browser.close();
    throw serverStart.status === 'rejected' ? serverStart.reason : (browserStart as PromiseRejectedResult).reason;
  }
  const server = serverStart.value;
  const launched = browserStart.value;
  return {
    ...launched,
    name,
    server,
    async close() {
      // A Firefox that cannot be made ready again is closed; the next test launches another.
      if (name === 'firefox') await retireFirefoxWorld(launched).catch(() => launched.browser.close().catch(() => undefined));
      else await launched.browser.close().catch(() => undefined);
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Firefox takes about 2 s to launch, so a test file keeps one running (per language and
 * preferences) and gives each test a freshly installed extension: uninstalling a temporary add-on
 * drops its storage, alarms, notifications and granted permissions, and every page but a blank
 * one is closed in between. A reinstall gets a new internal UUID, read from the tab it opens.
 */
const firefoxes = new Map<string, LaunchedChromium>();

async function firefoxWithFreshExtension(options: { lang?: string; prefs?: Record<string, unknown> }): Promise<LaunchedChromium> {
  const key = JSON.stringify(options);
  const cached = firefoxes.get(key);
  if (cached?.browser.connected) {
    const extensionId = await cached.browser.installExtension(inject('firefoxExtensionDir'));
    // A reinstalled add-on gets a new internal UUID: read it from the settings tab it opens on install.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pages = await cached.browser.pages();
      const opened = (await Promise.all(pages.map((page) => locationOf(page).catch(() => '')))).find((url) =>
        url.startsWith('moz-extension://'),
      );
      if (opened) {
        // (Node's URL gives moz-extension: an opaque "null" origin.)
        const origin = /^moz-extension:\/\/[^/]+/.exec(opened)![0];
        return { browser: cached.browser, extensionId, extensionUrl: (path) => `${origin}/${path.replace(/^\//, '')}` };
      }
      if (Date.now() > deadline) throw new Error('the reinstalled extension opened no page');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const launched = await launchFirefoxWithExtension({
    executablePath: inject('firefoxPath'),
    extensionDir: inject('firefoxExtensionDir'),
    headless: true,
    ...options,
  });
  firefoxes.set(key, launched);
  return launched;
}

/** The extension goes, with every page but one blank tab: the browser is ready for the next test. */
async function retireFirefoxWorld(launched: LaunchedChromium): Promise<void> {
  // A blank tab first: Firefox quits when its last window closes.
  const blank = await launched.browser.newPage();
  for (const page of await launched.browser.pages()) if (page !== blank) await page.close().catch(() => undefined);
  await launched.browser.uninstallExtension(launched.extensionId);
}

afterAll(async () => {
  for (const launched of firefoxes.values()) await launched.browser.close().catch(() => undefined);
  firefoxes.clear();
});

/**
 * Opens one of the extension's pages in a new tab. WebDriver BiDi (Firefox) may not navigate to
 * moz-extension: URLs, so there a loopback page follows a link to it (development builds make the
 * pages web-accessible to loopback for this).
 */
export async function openExtensionPage(world: World, path: string): Promise<Page> {
  if (world.name === 'firefox' && !path.startsWith('src/options/')) {
    // In Firefox, extension pages open other extension pages as a real popup would be: from the
    // extension itself (tabs.create), not through a web page.
    const opener = await extensionProbe(world);
    const target = world.extensionUrl(path);
    const before = new Set(await world.browser.pages());
    await opener.evaluate((url) => void ext().tabs.create({ url }), target);
    const deadline = Date.now() + 10_000;
    for (;;) {
      for (const page of await world.browser.pages()) {
        if (before.has(page)) continue;
        if ((await locationOf(page)).startsWith(target)) {
          page.setDefaultTimeout(15_000);
          await page.bringToFront();
          return page;
        }
      }
      if (Date.now() > deadline) throw new Error(`could not open ${target}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const page = await world.browser.newPage();
  // A stalled browser fails the step in 15 s, not the test in 60 s.
  page.setDefaultTimeout(15_000);
  // The active tab, as for an admin: background tabs throttle timers and animation frames (the
  // first-run settings tab would otherwise be in front).
  await page.bringToFront();
  if (world.name === 'chromium') {
    await page.goto(world.extensionUrl(path));
  } else {
    // WebDriver BiDi may not navigate to moz-extension: URLs, so a loopback page follows a link
    // to the settings (development builds make the pages web-accessible to loopback for this).
    await gotoLoopback(page, `${world.server.emulator!.url}/__emulator/deauthorizations`);
    await followLink(page, world.extensionUrl(path));
  }
  return page;
}

export async function openOptions(world: World): Promise<Page> {
  const page = await openExtensionPage(world, 'src/options/index.html');
  await page.waitForSelector('#workspace-url');
  return page;
}

/** Opens "Use an API token instead" on the options page, unless it is open. */
export async function useApiToken(page: Page): Promise<void> {
  if (!(await page.$eval('details.api-token', (details) => details.open))) {
    await page.locator('details.api-token > summary').click();
  }
}

/** Fills in the options page with an API token as an admin would, and waits for the workspace's answer. */
export async function configureWorkspace(
  world: World,
  token: string = DEMO_ADMIN_TOKEN,
  workspaceUrl: string = world.server.url,
): Promise<Page> {
  const page = await openOptions(world);
  await page.locator('#workspace-url').fill(workspaceUrl);
  await useApiToken(page);
  await page.locator('#api-token').fill(token);
  await page.keyboard.press('Enter');
  await page
    .waitForFunction(
      () => {
        const status = document.querySelector('[data-testid=profile-status]')?.textContent ?? '';
        return status !== '' && !status.includes('Checking');
      },
      { timeout: 15_000, polling: 100 },
    )
    .catch(async (error: unknown) => {
      const diagnosis = await page
        .evaluate(
          async (origin) => {
            const b = (globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome;
            const granted = await b.permissions.contains({ origins: [origin] });
            const stored = await b.storage.local.get(null);
            const reply = await Promise.race([
              b.runtime.sendMessage({ type: 'check-profile' }),
              new Promise((r) => setTimeout(() => r('no reply in 3 s'), 3000)),
            ]);
            return JSON.stringify({ granted, stored, reply, url: (document.getElementById('workspace-url') as HTMLInputElement).value });
          },
          `${new URL(workspaceUrl).protocol}//${new URL(workspaceUrl).hostname}/*`,
        )
        .catch((e: unknown) => `diagnosis failed: ${String(e)}`);
      throw new Error(
        `The options page did not settle; it shows:\n${await textOf(page).catch(() => '(nothing)')}\n${diagnosis}\n${String(error)}`,
      );
    });
  return page;
}

/** The popup, opened as a tab: the same page the toolbar button shows. */
export async function openPopup(world: World): Promise<Page> {
  const page = await openExtensionPage(world, 'src/popup/index.html');
  await page.waitForSelector('main');
  return page;
}

/** Stripe's authorize page: a Stripe Apps install link (`/oauth/v2/[chnlink_…/]authorize`) or Connect's `/oauth/authorize`. */
export const isAuthorizePage = (url: string): boolean => /\/oauth\/(?:v2\/(?:chnlink_\w+\/)?)?authorize(?:$|\?)/.test(url);

/** The window `identity.launchWebAuthFlow` opens on the emulator's authorize page. */
export async function waitForStripeWindow(world: World): Promise<Page> {
  const origin = world.server.emulator!.url;
  const target = await world.browser.waitForTarget((t) => t.url().startsWith(origin) && isAuthorizePage(t.url()), {
    timeout: 15_000,
  });
  const page = await target.asPage();
  await page.waitForSelector('#email');
  return page;
}

export async function signInOnEmulator(page: Page, email = 'owner@acme.test', password = 'stripe-demo'): Promise<void> {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('button[value=allow]').click();
}

export async function textOf(page: Page, selector = 'main'): Promise<string> {
  return page.$eval(selector, (element) => (element as HTMLElement).innerText);
}

/** Waits until the element's visible text contains `text`, then returns that text. */
export async function waitForText(page: Page, text: string, selector = 'main', timeout = 15_000): Promise<string> {
  await page
    .waitForFunction(
      (sel, expected) => document.querySelector<HTMLElement>(sel)?.innerText.includes(expected),
      // Interval polling, not requestAnimationFrame: pages in background tabs do not paint.
      { timeout, polling: 100 },
      selector,
      text,
    )
    .catch(async (error: unknown) => {
      const seen = await textOf(page, selector).catch(() => '(nothing)');
      throw new Error(`Waited for "${text}" in ${selector}; it shows:\n${seen}\n${String(error)}`);
    });
  return textOf(page, selector);
}

export async function workspaceIntegrations(world: World, token = DEMO_ADMIN_TOKEN) {
  const response = await fetch(`${world.server.url}/api/v1/integrations`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { integrations: Array<Record<string, unknown>> }).integrations;
}

/** What the service worker has stored, read from an extension page. */
export async function extensionStorage(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage.local.get(null));
}

/** The state as the pages read it (shared/state.ts): the shown workspace's keys at the top, every workspace, the extension's keys. */
export async function extensionState(page: Page): Promise<StoredState> {
  return stateFromStorage(await extensionStorage(page));
}

/**
 * `browser.*` inside a page: native in Firefox and Chromium 148+, `chrome` elsewhere. Declared so
 * that functions evaluated in extension pages can call it.
 */
declare global {
  var ext: () => typeof chrome;
}

/** An extension page kept open to read what the browser shows (badge, notifications, alarms). */
async function extensionProbe(world: World): Promise<Page> {
  const cached = probes.get(world);
  if (cached && !cached.isClosed()) return cached;
  const page = await openExtensionPage(world, 'src/options/index.html');
  await page.evaluate(() => {
    globalThis.ext = () => (globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome;
    // Headless Firefox has no notification service: it closes each notification at once, so the
    // notifications it was asked to show are seen here, through onClosed.
    const seen: string[] = [];
    (globalThis as unknown as { seenNotifications: string[] }).seenNotifications = seen;
    ext().notifications.onClosed.addListener((id) => seen.push(id));
  });
  probes.set(world, page);
  return page;
}
const probes = new WeakMap<World, Page>();

/** The extension's service worker (Chromium only: Firefox runs an event page). */
export async function serviceWorker(world: World): Promise<WebWorker> {
  const target = await world.browser.waitForTarget(
    (t) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(world.extensionUrl('')),
    { timeout: 10_000 },
  );
  return (await target.worker())!;
}

/**
 * The extension's workspace client gives up after `ms` instead of 15 s (a test-build seam), so that
 * a test of a slow workspace need not wait out the real timeout.
 */
export async function shortenClientTimeout(page: Page, ms: number): Promise<void> {
  await page.evaluate(
    (timeout) =>
      ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage.session.set({ testClientTimeoutMs: timeout }),
    ms,
  );
}

/** Fires the health-check alarm now, as the browser would when its period comes round. */
export async function fireHealthAlarm(world: World): Promise<void> {
  const probe = await extensionProbe(world);
  await probe.evaluate(() => ext().alarms.create('health-check-now', { when: Date.now() }));
}

/**
 * Clicks a notification as the admin would (a test seam of test builds: headless browsers show no
 * notification to click, so an alarm named after it runs the worker's click handler).
 */
export async function clickNotification(world: World, notificationId: string): Promise<void> {
  const probe = await extensionProbe(world);
  await probe.evaluate((id) => ext().alarms.create(`click-notification:${id}`, { when: Date.now() }), notificationId);
}

export async function badge(world: World): Promise<{ text: string; title: string }> {
  const probe = await extensionProbe(world);
  return probe.evaluate(async () => ({
    text: await ext().action.getBadgeText({}),
    title: await ext().action.getTitle({}),
  }));
}

/** Notifications shown and not cleared (Chromium), or shown since the last clear (Firefox). */
export async function notificationIds(world: World): Promise<string[]> {
  const probe = await extensionProbe(world);
  if (world.name === 'firefox') {
    return probe.evaluate(() => [...(globalThis as unknown as { seenNotifications: string[] }).seenNotifications]);
  }
  return probe.evaluate(async () => Object.keys(await ext().notifications.getAll()));
}

export async function clearNotifications(world: World): Promise<void> {
  const probe = await extensionProbe(world);
  await probe.evaluate(async () => {
    (globalThis as unknown as { seenNotifications: string[] }).seenNotifications.length = 0;
    for (const id of Object.keys(await ext().notifications.getAll())) await ext().notifications.clear(id);
  });
}

export async function alarmPeriod(world: World): Promise<number | undefined> {
  const probe = await extensionProbe(world);
  return probe.evaluate(async () => (await ext().alarms.get('health-check'))?.periodInMinutes);
}

/** Breaks an integration on the server the way real ones break: revoked, expired or error. */
export async function breakIntegration(world: World, integrationId: string, how: 'revoked' | 'expired' | 'error') {
  const response = await fetch(`${world.server.url}/__test/integrations/${integrationId}/break`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ how }),
  });
  if (!response.ok) throw new Error(`break failed: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** How many API requests the workspace is still handling (a delayed one whose client went away included). */
export async function requestsInFlight(world: World): Promise<number> {
  const response = await fetch(`${world.server.url}/__test/requests`);
  return ((await response.json()) as { inFlight: number }).inFlight;
}

export async function requestLog(world: World): Promise<Array<{ method: string; path: string; status: number }>> {
  const response = await fetch(`${world.server.url}/__test/requests`);
  return ((await response.json()) as { requests: Array<{ method: string; path: string; status: number }> }).requests;
}

export async function clearRequestLog(world: World): Promise<void> {
  await fetch(`${world.server.url}/__test/requests`, { method: 'DELETE' });
}

/** Connect with Stripe from the popup and sign in: the whole flow, as the admin does it. */
export async function connectFromPopup(world: World, email = 'owner@acme.test'): Promise<Page> {
  const popup = await openPopup(world);
  const stripeWindow = waitForStripeWindow(world);
  await popup.locator('button ::-p-text(Connect with Stripe)').click();
  await signInOnEmulator(await stripeWindow, email);
  await waitForText(popup, 'Successful connection');
  return popup;
}

/** The popup's integration rows, top to bottom, as text. */
export async function listedIntegrations(popup: Page): Promise<string[]> {
  return popup.$$eval('[data-testid=integration-list] > li', (items) => items.map((li) => (li as HTMLElement).innerText));
}

/** Arms a fault on the reference workspace (see server/src/faults.ts). */
export async function injectFault(world: World, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${world.server.url}/__test/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`fault not armed: ${response.status}`);
}

/** How the emulator's next sign-in redirects back: a Stripe error, or a forged state. */
export async function planNextStripeRedirect(world: World, plan: { error?: string; errorDescription?: string; state?: string }) {
  await fetch(`${world.server.emulator!.url}/__emulator/next-redirect`, { method: 'POST', body: JSON.stringify(plan) });
}

/** Clicks Connect with Stripe in the popup. */
export async function clickConnect(popup: Page): Promise<void> {
  await popup.locator('button ::-p-text(Connect with Stripe)').click();
}

/** Clicks the connect button by its visible label (localized). */
export async function clickConnectLabelled(popup: Page, label: string): Promise<void> {
  await popup.locator(`button ::-p-text(${label})`).click();
}

/** Time passes on the workspace and at Stripe (the emulator): access tokens age, refreshes fall due. */
export async function advanceClock(world: World, seconds: number): Promise<void> {
  const response = await fetch(`${world.server.url}/__test/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
  if (!response.ok) throw new Error(`clock not moved: ${response.status}`);
}

/** One pass of the workspace's token refresher now (it also runs every minute on its own). */
export async function runTokenRefresher(world: World): Promise<Record<string, number>> {
  const response = await fetch(`${world.server.url}/__test/refresh`, { method: 'POST' });
  return response.json() as Promise<Record<string, number>>;
}

/** Stripe's side of an account (see server/dev/stripe-emulator.ts): `disconnect` is the merchant uninstalling the app. */
export async function stripeAccountControl(
  world: World,
  accountId: string,
  action: 'disconnect' | 'revoke-tokens' | 'fail-refresh',
): Promise<void> {
  const response = await fetch(`${world.server.emulator!.url}/__emulator/accounts/${accountId}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`emulator control failed: ${response.status}`);
}

/**
 * The browser's sign-in window once it shows the workspace page with `selector`. Found afresh each
 * time: between two pages the workspace may pass through others (a sign-out of the previous
 * account posts a form), and the browser may move the window to another renderer on the way.
 */
export async function workspacePage(world: World, selector: string): Promise<Page> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const target of world.browser.targets()) {
      if (!target.url().startsWith(`${world.server.url}/sign-in/`)) continue;
      const page = await target.asPage().catch(() => null);
      if (page && (await page.$(selector).catch(() => null))) return page;
    }
    if (Date.now() > deadline) throw new Error(`no sign-in window shows ${selector}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sign-in window, just opened. */
export const waitForSignInWindow = (world: World) => workspacePage(world, 'h1');

/** Signs in on the workspace's page, and allows the extension (first time) when asked. */
export async function signInOnWorkspace(world: World, window: Page, email = 'ana@acme.test'): Promise<void> {
  await window.locator('#email').fill(email);
  await window.locator('#password').fill(DEMO_PASSWORD);
  await window.locator('button[type=submit]').click();
  await (await workspacePage(world, 'button[value=allow]')).locator('button[value=allow]').click();
}
