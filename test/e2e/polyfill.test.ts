/**
 * Chromium before 148 has no promise-based `browser`: there the pages load webextension-polyfill
 * (shipped as a plain file) and must work the same. Simulated by removing `browser` before any
 * script of the page runs.
 */
import type { Page } from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN, startWorld, useApiToken, waitForText, type World } from './support';

async function openWithoutNativeBrowser(world: World, path: string): Promise<Page> {
  const page = await world.browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.bringToFront();
  await page.evaluateOnNewDocument(() => {
    delete (globalThis as { browser?: unknown }).browser;
  });
  await page.goto(world.extensionUrl(path));
  return page;
}

/** webextension-polyfill's `browser` is a proxy over an object whose prototype is `chrome`. */
const polyfillLoaded = (page: Page) =>
  page.evaluate(() => {
    const { browser, chrome } = globalThis as unknown as { browser?: object; chrome: object };
    return browser !== undefined && Object.getPrototypeOf(browser) === chrome;
  });

describe('pages without a native `browser` (Chromium before 148)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('configure and show the workspace through webextension-polyfill', async () => {
    const options = await openWithoutNativeBrowser(world, 'src/options/index.html');
    await options.locator('#workspace-url').fill(world.server.url);
    await useApiToken(options);
    await options.locator('#api-token').fill(DEMO_ADMIN_TOKEN);
    await options.keyboard.press('Enter');
    await waitForText(options, 'Signed in as Ana García');
    expect(await polyfillLoaded(options)).toBe(true);

    const popup = await openWithoutNativeBrowser(world, 'src/popup/index.html');
    const text = await waitForText(popup, 'Signed in as Ana García');
    expect(text).toContain('Connect with Stripe');
    expect(await polyfillLoaded(popup)).toBe(true);
  });

  it('with a native `browser`, the popup does not load the polyfill', async () => {
    const popup = await world.browser.newPage();
    await popup.goto(world.extensionUrl('src/popup/index.html'));
    await popup.waitForSelector('main');
    expect(await polyfillLoaded(popup)).toBe(false);
  });
});
