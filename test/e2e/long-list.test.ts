/**
 * A workspace with hundreds of integrations: the popup paints the first screenful at once and the
 * rest right after, so the admin ends up with every row, in order, and nothing busy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, badge, configureWorkspace, fireHealthAlarm, notificationIds, openPopup, startWorld, type World } from './support';

const COUNT = 250;

/** Name and status of every row. (textContent: rows below the fold are not rendered, so they have no innerText.) */
const rowsOf = (popup: Page) =>
  popup.$$eval('[data-testid=integration-list] > li', (items) =>
    items.map((li) => `${li.querySelector('strong')!.textContent}: ${li.querySelector('.status')!.textContent}`),
  );
const poll = { timeout: 15_000, interval: 100 };

describe.each(BROWSERS)('a long list of integrations (%s)', (browser) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ browser });
    await configureWorkspace(world);
  });
  afterEach(async () => {
    await world.close();
  });

  it(`shows all ${COUNT} integrations, those needing attention first`, async () => {
    // One in ten seeded integrations is expired: 25 of 250.
    await fetch(`${world.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count: COUNT }) });
    await fireHealthAlarm(world);
    await expect.poll(async () => (await badge(world)).text, poll).toBe('25');
    const { title } = await badge(world);
    expect(title).toBe('Workspace Connect — needs attention: Seeded Store 0, Seeded Store 10, Seeded Store 20 and 22 more');
    if (browser === 'chromium') {
      // 25 breaks at once: one notification for them all, not 25. (Headless Firefox has no
      // notification service; attention.test.ts covers its notifications.)
      expect(await notificationIds(world)).toEqual([`integration-broken:many@${world.server.url}/`]);
    }

    const popup = await openPopup(world);
    await expect.poll(async () => (await rowsOf(popup)).length, poll).toBe(COUNT);
    const rows = await rowsOf(popup);
    // Expired first, then active; numeric order within each: 0, 10 … 240, then 1, 2 … 249.
    const expired = Array.from({ length: 25 }, (_, n) => `Seeded Store ${n * 10}: Expired`);
    const active = Array.from({ length: COUNT }, (_, n) => n)
      .filter((n) => n % 10 !== 0)
      .map((n) => `Seeded Store ${n}: Active`);
    expect(rows).toEqual([...expired, ...active]);
    expect(await popup.$eval('[data-testid=integration-list]', (list) => list.getAttribute('aria-busy'))).toBe('false');
  });
});
