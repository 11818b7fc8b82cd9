/**
 * Keyboard and screen reader: axe-core finds no violations on any screen, in any state, in light
 * and dark; and the whole connect flow works from the keyboard with a visible focus.
 */
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  breakIntegration,
  configureWorkspace,
  connectFromPopup,
  DEMO_STANDARD_TOKEN,
  openOptions,
  openPopup,
  startWorld,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
} from './support';
import { scenes, stageScene } from '../../scripts/scenes';
import { SIGN_IN_REDIRECT_URIS } from '../../scripts/extension-ids';

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function violations(page: Page, scheme: 'light' | 'dark'): Promise<string[]> {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const found = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations;
  })) as Violation[];
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (Chromium)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  const schemes = ['light', 'dark'] as const;
  async function expectClean(page: Page, state: string) {
    for (const scheme of schemes) {
      expect(await violations(page, scheme), `${state}, ${scheme}`).toEqual([]);
    }
  }

  it('has no violations on any screen, in any state, light and dark', async () => {
    const popup = await openPopup(world);
    await expectClean(popup, 'popup, not configured');

    const options = await openOptions(world);
    await expectClean(options, 'options, empty');
    await options.locator('#workspace-url').fill('nope');
    await options.keyboard.press('Enter');
    await waitForText(options, 'That is not a web address');
    await expectClean(options, 'options, invalid URL');

    await configureWorkspace(world, 'wc_wrong_token');
    const rejected = await openOptions(world);
    await waitForText(rejected, 'The workspace rejected this API token');
    await expectClean(rejected, 'options, token rejected');

    const standard = await configureWorkspace(world, DEMO_STANDARD_TOKEN);
    await expectClean(standard, 'options, not an admin');
    await expectClean(await openPopup(world), 'popup, not an admin');

    const admin = await configureWorkspace(world);
    await expectClean(admin, 'options, admin');
    const empty = await openPopup(world);
    await waitForText(empty, 'No data sources yet');
    await expectClean(empty, 'popup, no integrations');

    const connected = await connectFromPopup(world);
    await expectClean(connected, 'popup, successful connection');

    const [integration] = await workspaceIntegrations(world);
    await breakIntegration(world, integration!.id as string, 'revoked');
    const attention = await openPopup(world);
    await waitForText(attention, 'Revoked');
    await expectClean(attention, 'popup, integration needing attention');
    await attention.locator('button[aria-label="Disconnect Acme Store"]').click();
    await waitForText(attention, 'Disconnect Acme Store?');
    await expectClean(attention, 'popup, confirming a disconnect');

    const cancelled = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    await cancelled.locator('button[aria-label="Reauthenticate Acme Store"]').click();
    await (await stripe).close();
    await waitForText(cancelled, 'The connection was cancelled');
    await expectClean(cancelled, 'popup, failure');

    // Sign-in with the workspace and several workspaces: their states in the settings and the popup, as the worker writes them.
    for (const name of [
      'options-signing-in',
      'options-sign-in-declined',
      'options-sign-in-ended',
      'options-api-token',
      'options-managed',
      'popup-sign-in-ended',
      // Several workspaces: the popup's switcher, the settings' list.
      'popup-workspaces',
      'options-workspaces',
      // The sync: an import's progress bar, the totals, an object's error, the table list open.
      'popup-sync',
    ]) {
      const scene = scenes('en').find((candidate) => candidate.name === name)!;
      const page = scene.page === 'popup' ? cancelled : rejected;
      await stageScene(page, world.server.url, scene);
      await page.reload();
      await page.waitForSelector(
        name === 'popup-workspaces'
          ? '#workspace-switcher'
          : name === 'popup-sync'
            ? '[data-testid=sync-status]'
            : scene.page === 'popup'
              ? '[data-testid=signed-out]'
              : '#workspace-url',
      );
      if (name === 'options-workspaces') await page.waitForSelector('.workspaces');
      await scene.act?.(page);
      await expectClean(page, scene.name);
    }
    // …and the workspace's own sign-in page.
    const signInPage = await world.browser.newPage();
    await signInPage.goto(
      `${world.server.url}/auth?${new URLSearchParams({
        client_id: 'workspace-connect-extension',
        redirect_uri: SIGN_IN_REDIRECT_URIS[0]!,
        response_type: 'code',
        scope: 'workspace',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'a11y',
      })}`,
    );
    await signInPage.waitForSelector('#email');
    await expectClean(signInPage, 'the workspace sign-in page');

    // The checker itself is live: a nameless button is caught.
    await cancelled.evaluate(() => document.querySelector('main')!.append(document.createElement('button')));
    expect((await violations(cancelled, 'light')).join()).toContain('button-name');
  }, 120_000);

  it('works from the keyboard alone, with a visible focus', async () => {
    const fresh = await startWorld();
    try {
      const options = await openOptions(fresh);
      const focusOutline = () =>
        options.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return { id: el.id || el.textContent, outline: getComputedStyle(el).outlineStyle };
        });
      await options.keyboard.press('Tab');
      expect(await focusOutline()).toEqual({ id: 'workspace-url', outline: 'solid' });
      await options.keyboard.type(fresh.server.url);
      await options.keyboard.press('Tab'); // keep me signed in
      await options.keyboard.press('Tab');
      expect(await focusOutline()).toEqual({ id: 'Sign in', outline: 'solid' });
      // "Use an API token instead" opens from the keyboard too.
      await options.keyboard.press('Tab');
      expect(await focusOutline()).toEqual({ id: 'Use an API token instead', outline: 'solid' });
      await options.keyboard.press('Enter');
      await options.keyboard.press('Tab');
      expect((await focusOutline()).id).toBe('api-token');
      await options.keyboard.type('wc_demo_admin_token');
      await options.keyboard.press('Tab');
      expect(await focusOutline()).toEqual({ id: 'Save and check', outline: 'solid' });
      await options.keyboard.press('Enter');
      await waitForText(options, 'Signed in as Ana García to Acme Analytics');

      const popup = await openPopup(fresh);
      const stripe = waitForStripeWindow(fresh);
      // Tab until Connect with Stripe has the focus, then Enter.
      for (let i = 0; i < 10; i++) {
        await popup.keyboard.press('Tab');
        if ((await popup.evaluate(() => document.activeElement?.textContent)) === 'Connect with Stripe') break;
      }
      expect(await popup.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
      await popup.keyboard.press('Enter');
      const page = await stripe;
      await page.keyboard.type('owner@acme.test');
      await page.keyboard.press('Tab');
      await page.keyboard.type('stripe-demo');
      await page.keyboard.press('Enter');
      await waitForText(popup, 'Successful connection');
    } finally {
      await fresh.close();
    }
  });
});
