/**
 * Several workspaces in one toolbar (issue #17): an agency adds a second client's workspace (a
 * second reference server with its own Stripe emulator), renames it, and keeps the first shown; a
 * break in the second raises the badge and its notification names it; clicking the notification
 * shows the second, where Reauthenticate fixes it. And an update from the release that knew one
 * workspace keeps everything the admin had.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../server/dev/reference-server';
import { testDatabase } from '../support/pglite-template';
import {
  alarmPeriod,
  badge,
  breakIntegration,
  BROWSERS,
  clickNotification,
  configureWorkspace,
  connectFromPopup,
  extensionState,
  extensionStorage,
  fireHealthAlarm,
  injectFault,
  listedIntegrations,
  notificationIds,
  openExtensionPage,
  openOptions,
  openPopup,
  signInOnEmulator,
  startWorld,
  textOf,
  useApiToken,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
} from './support';

const poll = { timeout: 15_000, interval: 100 };

describe.each(BROWSERS)('several workspaces (%s)', (browserName) => {
  let world: World | undefined;
  let second: { server: ReferenceServer; dataDir: string } | undefined;
  afterEach(async () => {
    await world?.close();
    await second?.server.close();
    if (second) await rm(second.dataDir, { recursive: true, force: true });
    world = undefined;
    second = undefined;
  });

  /** A second client's workspace: another reference server, with its own Stripe emulator, named Beta Analytics. */
  async function startSecondWorkspace(): Promise<ReferenceServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'wc-e2e-beta-'));
    const server = await startReferenceServer({ dataDir, database: await testDatabase(), testControls: true });
    second = { server, dataDir };
    await server.db.query(`UPDATE workspaces SET name = 'Beta Analytics'`);
    return server;
  }

  it('a break in the second workspace raises the badge while the first is shown; its notification lands on the second, where Reauthenticate fixes it', async () => {
    world = await startWorld({ browser: browserName });
    const beta = await startSecondWorkspace();
    // The same browser with the second workspace's server and emulator: the helpers then act on it.
    const betaWorld: World = { ...world, server: beta };
    const acmeUrl = `${world.server.url}/`;
    const betaUrl = `${beta.url}/`;

    await configureWorkspace(world);
    await (await connectFromPopup(world, 'owner@acme.test')).close();

    // Add a workspace: the form empties for another address, which is added beside the first.
    const options = await openOptions(world);
    await options.locator('#add-workspace').click();
    await waitForText(options, 'Enter the address of another workspace and sign in');
    expect(await options.$eval('#workspace-url', (input) => (input as HTMLInputElement).value)).toBe('');
    await options.locator('#workspace-url').fill(beta.url);
    await useApiToken(options);
    await options.locator('#api-token').fill(beta.users.find((u) => u.role === 'admin')!.token);
    await options.locator('#api-token').click();
    await options.keyboard.press('Enter');
    await waitForText(options, 'Signed in as Ana García to Beta Analytics', '[data-testid=profile-status]');
    const listed = await waitForText(options, 'Your workspaces');
    expect(listed).toContain('Acme Analytics');
    expect(listed).toContain('Beta Analytics');

    // Renamed by the admin: the name is theirs everywhere.
    await options.locator('button[aria-label="Rename Beta Analytics"]').click();
    await options.locator(`input[id="name-${betaUrl}"]`).fill('Beta (client)');
    await options.keyboard.press('Enter');
    await options.locator('button[aria-label="Rename Beta (client)"]').wait();

    await (await connectFromPopup(betaWorld, 'owner@globex.test')).close();
    const globex = (await workspaceIntegrations(betaWorld)).find((i) => i.stripeAccountName === 'Globex Shop')!.id as string;

    // The first workspace shown again, from the popup's switcher.
    const popup = await openPopup(world);
    await popup.waitForSelector('#workspace-switcher');
    expect(await popup.$$eval('#workspace-switcher option', (options) => options.map((o) => o.textContent))).toEqual([
      'Acme Analytics',
      'Beta (client)',
      'Add a workspace…',
    ]);
    await popup.select('#workspace-switcher', acmeUrl);
    await waitForText(popup, 'Signed in as Ana García to Acme Analytics');
    await expect.poll(async () => (await listedIntegrations(popup)).join('\n'), poll).toContain('Acme Store');
    expect((await listedIntegrations(popup)).join('\n')).not.toContain('Globex Shop');

    // Globex breaks in the second workspace, which is not shown: the badge counts it, names it
    // with its workspace, and the one notification says where.
    await breakIntegration(betaWorld, globex, 'expired');
    await fireHealthAlarm(world);
    await expect.poll(async () => (await badge(world!)).text, poll).toBe('1');
    expect((await badge(world)).title).toContain('Globex Shop (Beta (client))');
    const notification = `integration-broken:${globex}@${betaUrl}`;
    await expect.poll(() => notificationIds(world!), poll).toEqual([notification]);
    await expect
      .poll(() => popup.$$eval('#workspace-switcher option', (options) => options.map((o) => o.textContent)), poll)
      .toContain('Beta (client) — 1 needs attention');
    expect((await extensionState(popup)).activeWorkspace).toBe(acmeUrl);

    // The notification's click shows the second workspace, where Reauthenticate is.
    await clickNotification(world, notification);
    await expect.poll(async () => (await extensionState(popup)).activeWorkspace, poll).toBe(betaUrl);
    const betaPopup = await openPopup(world);
    await waitForText(betaPopup, 'Signed in as Ana García to Beta Analytics');
    await expect.poll(async () => (await listedIntegrations(betaPopup))[0], poll).toContain('Expired');
    const stripeWindow = waitForStripeWindow(betaWorld);
    await betaPopup.locator('button[aria-label="Reauthenticate Globex Shop"]').click();
    await signInOnEmulator(await stripeWindow, 'owner@globex.test');
    await waitForText(betaPopup, 'Successful connection');
    await expect.poll(async () => (await badge(world!)).text, poll).toBe('');
    expect((await workspaceIntegrations(betaWorld)).find((i) => i.id === globex)).toMatchObject({ status: 'active' });

    // From the settings: the first shown again, then the second signed out of, which forgets it.
    const settings = await openOptions(world);
    await settings.locator('button[aria-label="Show in toolbar: Acme Analytics"]').click();
    await waitForText(settings, 'Signed in as Ana García to Acme Analytics', '[data-testid=profile-status]');
    await settings.locator('button[aria-label="Sign out of Beta (client)"]').click();
    await expect.poll(() => textOf(settings), poll).not.toContain('Beta (client)');
    const stored = await extensionStorage(settings);
    expect(Object.keys(stored).filter((key) => key.includes(betaUrl))).toEqual([]);
    expect(stored.activeWorkspace).toBe(acmeUrl);
    expect(await settings.$('#workspace-switcher')).toBeNull();
    expect(await textOf(settings)).not.toContain('Your workspaces');
  });

  it('an update from the release with one workspace keeps everything: settings, profile, the cached list, what was notified, the interval', async () => {
    world = await startWorld({ browser: browserName });
    const fixture = JSON.parse(await readFile(resolve(import.meta.dirname, '../fixtures/stored-state-0.2.json'), 'utf8')) as {
      stored: Record<string, unknown>;
    };
    const port = new URL(world.server.url).port;
    const written = JSON.parse(JSON.stringify(fixture.stored).replaceAll('WORKSPACE_PORT', port)) as Record<string, unknown>;
    // This server knows none of those integrations: its list fails, so the cached one is what shows.
    await injectFault(world, { method: 'GET', path: '^/api/v1/integrations$', kind: 'status', status: 503, times: 1000 });

    // The previous release's state, then the extension installed over itself, as an update is
    // (its storage stays; its worker starts again and finds the old state).
    const page = await openOptions(world);
    await page.evaluate(async (state) => {
      const b = (globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome;
      await b.storage.local.clear();
      await b.storage.local.set(state);
    }, written);
    // A blank tab first: the update closes the extension's pages, and Firefox quits with its last window.
    await world.browser.newPage();
    await world.browser.installExtension(inject(browserName === 'firefox' ? 'firefoxExtensionDir' : 'extensionDir'));

    const popup = await openPopupWhenBack(world);
    await waitForText(popup, 'Signed in as Ana García to Acme Analytics');
    await waitForText(popup, 'Could not refresh the list');
    const rows = await listedIntegrations(popup);
    expect(rows[0]).toContain('Globex Shop');
    expect(rows[0]).toContain('Expired');
    expect(rows[1]).toContain('Acme Store');
    // The badge is set again from what was kept; Globex was notified before the update, not again.
    await expect.poll(async () => (await badge(world!)).text, poll).toBe('1');
    expect(await notificationIds(world)).toEqual([]);
    await expect.poll(() => alarmPeriod(world!), poll).toBe(5);

    const workspaceUrl = `${world.server.url}/`;
    const stored = await extensionStorage(popup);
    expect(stored).toMatchObject({
      schemaVersion: 3,
      activeWorkspace: workspaceUrl,
      healthCheckMinutes: 5,
      [`settings@${workspaceUrl}`]: { workspaceUrl, token: 'wc_demo_admin_token', credential: 'api-token', keepSignedIn: true },
      [`notified@${workspaceUrl}`]: written.notified,
      flow: written.flow,
    });
    expect(stored).not.toHaveProperty('settings');
    expect(stored).not.toHaveProperty('health');

    const options = await openOptions(world);
    await waitForText(options, 'Signed in as Ana García to Acme Analytics', '[data-testid=profile-status]');
    expect(await options.$eval('#workspace-url', (input) => (input as HTMLInputElement).value)).toBe(workspaceUrl);
    expect(await options.$eval('#api-token', (input) => (input as HTMLInputElement).value)).toBe('wc_demo_admin_token');
    expect(await options.$eval('#health-minutes', (input) => (input as HTMLInputElement).value)).toBe('5');
  });
});

/** The popup once the updated extension answers again (its pages close with the update). */
async function openPopupWhenBack(world: World): Promise<Page> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const page = await openExtensionPage(world, 'src/popup/index.html');
      await page.waitForSelector('main', { timeout: 3000 });
      return page;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
