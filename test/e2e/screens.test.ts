/**
 * Screens that look finished: readable type in both browsers (Chromium's own extension stylesheet
 * shrinks the body to 75 %), and text from the workspace that can never break the popup's layout.
 */
import type { Page } from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  badge,
  BROWSERS,
  configureWorkspace,
  DEMO_ADMIN_TOKEN,
  extensionState,
  injectFault,
  listedIntegrations,
  openPopup,
  startWorld,
  textOf,
  waitForText,
  type World,
} from './support';

const poll = { timeout: 20_000, interval: 100 };

/** What a workspace may send: any length, any script or direction, emoji, markup-looking text. */
const HOSTILE_NAMES = [
  'A'.repeat(5000),
  'wideworldimporters-subscriptions-eu-production-analytics.example',
  'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft',
  '\u202Eevil.exe Store',
  'متجر الأمل للإلكترونيات',
  '🚀 Rocket Store 🇪🇸 ✨',
  '<img src=x onerror="document.title=\'owned\'"> Markup Store',
];

function integration(n: number, name: string) {
  return {
    id: `int_hostile${n}`,
    provider: 'stripe',
    status: n % 2 ? 'active' : 'expired',
    stripeAccountId: `acct_hostile${'x'.repeat(n * 20)}`,
    stripeAccountName: name,
    livemode: n % 3 === 0,
    connectedAt: '2026-11-24T10:00:00.000Z',
    lastSyncAt: null,
    reason: n % 2 ? null : `${'Very long reason without spaces '.repeat(3)}${'z'.repeat(3000)}`,
  };
}

/**
 * Elements whose right edge lies past the page's width: the layout did not hold. Text a box cuts
 * off on purpose (an ellipsis inside the page) is not past anything the admin can see.
 */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (element: Element) => {
      for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== 'visible' && box.getBoundingClientRect().right <= width + 0.5) return true;
      }
      return false;
    };
    return [...document.querySelectorAll('main *')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5 && !clipped(element))
      .map((element) => `${element.tagName}.${element.className}`);
  });

describe.each(BROWSERS)('screens (%s)', (browserName) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ browser: browserName });
  });
  afterEach(async () => {
    await world.close();
  });

  it('body text is at least 13 px in the popup and the settings', async () => {
    const options = await configureWorkspace(world);
    const popup = await openPopup(world);
    for (const page of [options, popup]) {
      const sizes = await page.evaluate(() =>
        [document.body, ...document.querySelectorAll('main p, main button, main label, main li')].map((e) =>
          parseFloat(getComputedStyle(e).fontSize),
        ),
      );
      expect(sizes[0]).toBeGreaterThanOrEqual(13);
      // Only secondary text (details, pills) may be smaller, and never below 12 px.
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    }
  });

  it('a failed refresh says how old the shown list is and offers Retry; Escape cancels a Disconnect confirmation', async () => {
    await configureWorkspace(world);
    await fetch(`${world.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count: 2 }) });
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(2);
    expect(await popup.$eval('h2#data-sources-heading', (h) => (h as HTMLElement).innerText)).toBe('Data sources · 1 needs attention');

    await injectFault(world, { method: 'GET', path: '^/api/v1/integrations$', kind: 'status', status: 503 });
    // Asked until a check meets the fault: a check already running (the popup's own, still
    // notifying) answers a request made meanwhile without a new one.
    await expect
      .poll(async () => {
        await popup.evaluate(() =>
          (globalThis as unknown as { browser: typeof chrome }).browser.runtime.sendMessage({ type: 'check-health' }),
        );
        return (await extensionState(popup)).health?.error?.code;
      }, poll)
      .toBe('server-error');
    const notice = await waitForText(popup, 'Could not refresh the list');
    expect(notice).toMatch(/Showing the list from (now|\d+ (second|minute)s? ago)\./);
    await popup.locator('button ::-p-text(Retry)').click();
    await expect.poll(async () => (await textOf(popup)).includes('Could not refresh the list'), poll).toBe(false);

    await popup.locator('button[aria-label="Disconnect Seeded Store 1"]').click();
    await waitForText(popup, 'Disconnect Seeded Store 1?');
    await popup.keyboard.press('Escape');
    await expect.poll(async () => (await textOf(popup)).includes('Disconnect Seeded Store 1?'), poll).toBe(false);
    expect(await listedIntegrations(popup)).toHaveLength(2);
  });

  it('names and reasons of any length, script and direction keep every row inside the popup', async () => {
    await configureWorkspace(world);
    const body = { integrations: HOSTILE_NAMES.map((name, n) => integration(n, name)) };
    await injectFault(world, {
      method: 'GET',
      path: '^/api/v1/integrations$',
      kind: 'respond',
      status: 200,
      body,
      headers: { ETag: '"hostile"' },
    });
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(HOSTILE_NAMES.length);

    expect(await popup.evaluate(() => document.body.getBoundingClientRect().width)).toBeLessThanOrEqual(360);
    expect(await overflowing(popup)).toEqual([]);
    // Markup-looking text is text.
    expect(await popup.$('main img')).toBeNull();
    expect(await popup.title()).not.toBe('owned');
    expect((await listedIntegrations(popup)).join('\n')).toContain('<img src=x');
    // Every status pill stays on its name's line, at the row's end, whatever the name's direction.
    const misplaced = await popup.$$eval(
      '[data-testid=integration-list] > li',
      (rows) =>
        rows.filter((row) => {
          const name = row.querySelector('.name')!.getBoundingClientRect();
          const pill = row.querySelector('.status')!.getBoundingClientRect();
          return pill.top > name.top + 4 || pill.left < name.right - 0.5;
        }).length,
    );
    expect(misplaced).toBe(0);
  });

  it('with a long list in a 600 px popup, Connect with Stripe stays in view and uncovered, and each row is compact', async () => {
    await configureWorkspace(world);
    await fetch(`${world.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count: 12 }) });
    const popup = await openPopup(world);
    await popup.setViewport({ width: 360, height: 600 });
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(12);

    // In view, and the element at its centre is the button itself: nothing covers it.
    const reachable = () =>
      popup.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Connect with Stripe')!;
        const box = button.getBoundingClientRect();
        const onTop = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.top >= 0 && box.bottom <= innerHeight && (onTop === button || button.contains(onTop));
      });
    expect(await reachable()).toBe(true);
    // A vertical scrollbar (Firefox draws classic ones) does not make the popup scroll sideways.
    expect(await popup.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    // Scrolled to the end, the last row ends above the section that stays in view.
    await popup.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    expect(await reachable()).toBe(true);
    const gap = await popup.evaluate(() => {
      const rows = document.querySelectorAll('[data-testid=integration-list] > li');
      return document.querySelector('section.add')!.getBoundingClientRect().top - rows[rows.length - 1]!.getBoundingClientRect().bottom;
    });
    expect(gap).toBeGreaterThanOrEqual(0);
    // Mode, last sync and account id on one line per row.
    const lines = await popup.$$eval('[data-testid=integration-list] .meta', (metas) =>
      metas.map((meta) => Math.round(meta.getBoundingClientRect().height / parseFloat(getComputedStyle(meta).lineHeight))),
    );
    expect(lines).toEqual(Array(12).fill(1));
  });

  it('Sign out forgets the token and the workspace; a token the workspace refuses is saved and says so', async () => {
    const options = await configureWorkspace(world);
    await options.locator('button ::-p-text(Sign out)').click();
    await waitForText(options, 'Signed out: nothing of that workspace is kept in the extension.');
    expect(await options.$eval('#api-token', (input) => (input as HTMLInputElement).value)).toBe('');
    // The form keeps the address typed, so that signing in again is one click; the extension does not.
    expect(await options.$eval('#workspace-url', (input) => (input as HTMLInputElement).value)).toContain(world.server.url);
    const kept = await options.evaluate(async () => {
      const storage = ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage;
      return JSON.stringify([await storage.local.get(null), await storage.session.get(null)]);
    });
    expect(kept).not.toContain(DEMO_ADMIN_TOKEN);
    expect(kept).not.toContain(world.server.url);
    expect(await badge(world)).toMatchObject({ text: '' });
    const popup = await openPopup(world);
    await waitForText(popup, 'Set up your workspace to connect data sources.');
    expect(await popup.$('[data-testid=integration-list]')).toBeNull();

    await options.bringToFront();
    await options.locator('#api-token').fill('wc_not_a_real_token');
    await options.keyboard.press('Enter');
    const refused = await waitForText(options, 'Saved, but the workspace check did not pass:', '[data-testid=profile-status]');
    expect(refused).toContain('The workspace rejected this API token.');
    await options.locator('summary ::-p-text(Details)').click();
    await waitForText(options, 'Error code: unauthorized', '[data-testid=profile-status]');
  });
});
