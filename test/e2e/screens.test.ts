/**
 * Screens that look finished: readable type in both browsers (Chromium's own extension stylesheet
 * shrinks the body to 75 %), and text from the workspace that can never break the popup's layout.
 */
import type { Page } from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROWSERS, configureWorkspace, extensionStorage, injectFault, listedIntegrations, openPopup, startWorld, textOf, waitForText, type World } from './support';

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

/** Elements whose right edge lies past the page's width: the layout did not hold. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *')]
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
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
    expect(await popup.$eval('h2#data-sources-heading', (h) => (h as HTMLElement).innerText)).toBe('Data sources · 1 need attention');

    await injectFault(world, { method: 'GET', path: '^/api/v1/integrations$', kind: 'status', status: 503 });
    // Asked until a check meets the fault: a check already running (the popup's own, still
    // notifying) answers a request made meanwhile without a new one.
    await expect
      .poll(async () => {
        await popup.evaluate(() => (globalThis as unknown as { browser: typeof chrome }).browser.runtime.sendMessage({ type: 'check-health' }));
        return ((await extensionStorage(popup)).health as { error?: { code: string } }).error?.code;
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
    await injectFault(world, { method: 'GET', path: '^/api/v1/integrations$', kind: 'respond', status: 200, body, headers: { ETag: '"hostile"' } });
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(HOSTILE_NAMES.length);

    expect(await popup.evaluate(() => document.body.getBoundingClientRect().width)).toBeLessThanOrEqual(360);
    expect(await overflowing(popup)).toEqual([]);
    // Markup-looking text is text.
    expect(await popup.$('main img')).toBeNull();
    expect(await popup.title()).not.toBe('owned');
    expect((await listedIntegrations(popup)).join('\n')).toContain('<img src=x');
    // Every status pill stays on its name's line, at the row's end, whatever the name's direction.
    const misplaced = await popup.$$eval('[data-testid=integration-list] > li', (rows) =>
      rows.filter((row) => {
        const name = row.querySelector('.name')!.getBoundingClientRect();
        const pill = row.querySelector('.status')!.getBoundingClientRect();
        return pill.top > name.top + 4 || pill.left < name.right - 0.5;
      }).length,
    );
    expect(misplaced).toBe(0);
  });
});
