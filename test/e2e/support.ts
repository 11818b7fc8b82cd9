/**
 * The end-to-end world: the reference workspace with its Stripe emulator on free ports, and
 * Chromium with the development build of the extension, driven as an admin would drive them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebWorker } from 'puppeteer-core';
import { inject } from 'vitest';
import { launchChromiumWithExtension, type LaunchedChromium } from '../../scripts/launch-chromium';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../server/src/index';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';

export { DEMO_ADMIN_TOKEN, DEMO_STANDARD_TOKEN } from '../../server/src/model';

export interface World extends LaunchedChromium {
  server: ReferenceServer;
  close(): Promise<void>;
}

export async function startWorld(
  options: { lang?: string; server?: Partial<ReferenceServerOptions> } = {},
): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wc-e2e-'));
  const server = await startReferenceServer({ dataDir, testControls: true, ...options.server });
  const chromium = await launchChromiumWithExtension({
    executablePath: inject('chromiumPath'),
    extensionDir: inject('extensionDir'),
    headless: true,
    ...(options.lang ? { lang: options.lang } : {}),
  });
  return {
    ...chromium,
    server,
    async close() {
      await chromium.browser.close().catch(() => undefined);
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openOptions(world: World): Promise<Page> {
  const page = await world.browser.newPage();
  await page.goto(world.extensionUrl('src/options/index.html'));
  await page.waitForSelector('#workspace-url');
  return page;
}

/** Fills in the options page as an admin would, and waits for the workspace's answer. */
export async function configureWorkspace(
  world: World,
  token: string = DEMO_ADMIN_TOKEN,
  workspaceUrl: string = world.server.url,
): Promise<Page> {
  const page = await openOptions(world);
  await page.locator('#workspace-url').fill(workspaceUrl);
  await page.locator('#api-token').fill(token);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid=profile-status]')?.textContent ?? '';
      return status !== '' && !status.includes('Checking');
    },
    { timeout: 15_000 },
  );
  return page;
}

/** The popup, opened as a tab: the same page the toolbar button shows. */
export async function openPopup(world: World): Promise<Page> {
  const page = await world.browser.newPage();
  await page.goto(world.extensionUrl('src/popup/index.html'));
  await page.waitForSelector('main[aria-busy=false]');
  return page;
}

/** The window `identity.launchWebAuthFlow` opens on the emulator's authorize page. */
export async function waitForStripeWindow(world: World): Promise<Page> {
  const origin = world.server.emulator!.url;
  const target = await world.browser.waitForTarget((t) => t.url().startsWith(`${origin}/oauth/authorize`), {
    timeout: 15_000,
  });
  const page = await target.asPage();
  await page.waitForSelector('#email');
  return page;
}

export async function signInOnEmulator(
  page: Page,
  email = 'owner@acme.test',
  password = 'stripe-demo',
): Promise<void> {
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
      (sel, expected) => (document.querySelector(sel) as HTMLElement | null)?.innerText.includes(expected),
      // Interval polling, not requestAnimationFrame: pages in background tabs do not paint.
      { timeout, polling: 100 },
      selector,
      text,
    )
    .catch(async (error: Error) => {
      const seen = await textOf(page, selector).catch(() => '(nothing)');
      throw new Error(`Waited for "${text}" in ${selector}; it shows:\n${seen}\n${error.message}`);
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
  return page.evaluate(() => chrome.storage.local.get(null)) as Promise<Record<string, unknown>>;
}

/** The extension's service worker, to read what the browser shows (badge, notifications, alarms). */
export async function serviceWorker(world: World): Promise<WebWorker> {
  const target = await world.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(world.extensionUrl('')),
    { timeout: 10_000 },
  );
  return (await target.worker())!;
}

/** Fires the health-check alarm now, as the browser would when its period comes round. */
export async function fireHealthAlarm(world: World): Promise<void> {
  const worker = await serviceWorker(world);
  await worker.evaluate(() => chrome.alarms.create('health-check-now', { when: Date.now() }));
}

export async function badge(world: World): Promise<{ text: string; title: string }> {
  const worker = await serviceWorker(world);
  return worker.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    title: await chrome.action.getTitle({}),
  }));
}

export async function notificationIds(world: World): Promise<string[]> {
  const worker = await serviceWorker(world);
  return worker.evaluate(async () => Object.keys(await chrome.notifications.getAll()));
}

export async function clearNotifications(world: World): Promise<void> {
  const worker = await serviceWorker(world);
  await worker.evaluate(async () => {
    for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
  });
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
