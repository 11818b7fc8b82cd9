/**
 * The moment of connection comes to the admin: Stripe's window closes, and the outcome is shown
 * without reopening anything — the popup opens by itself in the window the admin started from.
 * (Where `action.openPopup` is refused — Firefox releases that want a user gesture — a
 * notification says it and opens the popup; firefox-esr here allows it, as Chromium does.)
 */
import type { Page } from 'puppeteer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BROWSERS,
  configureWorkspace,
  notificationIds,
  openPopup,
  signInOnEmulator,
  startWorld,
  waitForStripeWindow,
  waitForText,
  type World,
} from './support';

declare const browser: typeof chrome;
const poll = { timeout: 20_000, interval: 100 };

describe.each(BROWSERS)('the outcome comes to the admin (%s)', (browserName) => {
  let world: World;
  let observer: Page;
  beforeEach(async () => {
    world = await startWorld({ browser: browserName });
    observer = await configureWorkspace(world);
  });
  afterEach(async () => {
    await world.close();
  });

  /** Connect from the popup, which closes when Stripe's window opens, as the real one does. */
  async function connectWithPopupClosed(finish: (stripe: Awaited<ReturnType<typeof waitForStripeWindow>>) => Promise<void>) {
    const popup = await openPopup(world);
    const origin = await popup.evaluate(async () => (await browser.windows.getCurrent()).id!);
    const stripe = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    const stripePage = await stripe;
    await popup.close();
    await finish(stripePage);
    return origin;
  }

  /**
   * The toolbar popup that opened by itself: its window and what it shows, read from another
   * extension page (`extension.getViews`; the harness cannot attach to Firefox's popup itself).
   */
  async function toolbarPopup(): Promise<{ windowId: number; text: string } | null> {
    // Opened before the flow and never brought forward: a popup closes when it loses focus.
    return observer.evaluate(async () => {
      const [view] = (browser.extension as unknown as { getViews(f: object): Window[] }).getViews({ type: 'popup' });
      if (!view) return null;
      const ext = (view as unknown as { browser?: typeof chrome; chrome: typeof chrome }).browser ?? view.chrome;
      return { windowId: (await ext.windows.getCurrent()).id!, text: view.document.querySelector('main')?.innerText ?? '' };
    });
  }

  it('after signing in at Stripe, Successful connection is shown without reopening the popup, in the window the admin started from', async () => {
    const origin = await connectWithPopupClosed((stripe) => signInOnEmulator(stripe));
    await expect.poll(async () => (await toolbarPopup())?.text ?? '', poll).toContain('Successful connection');
    expect(await toolbarPopup()).toMatchObject({ windowId: origin, text: expect.stringContaining('Acme Store') });
  });

  it('a failure comes to the admin too (the Stripe window closed)', async () => {
    const origin = await connectWithPopupClosed((stripe) => stripe.close());
    await expect.poll(async () => (await toolbarPopup())?.text ?? '', poll).toContain('The connection was cancelled');
    expect((await toolbarPopup())?.windowId).toBe(origin);
  });

  it('a popup that stays open shows the outcome itself: nothing else opens', async () => {
    const popup = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    await signInOnEmulator(await stripe);
    await waitForText(popup, 'Successful connection');
    // The list is refreshed after the outcome was brought to the admin (or not): once the new
    // row is there, that decision is made.
    await waitForText(popup, 'Acme Store', '[data-testid=integration-list]');
    expect(await toolbarPopup()).toBeNull();
    expect(await notificationIds(world)).toEqual([]);
  });
});
