import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alarmPeriod,
  BROWSERS,
  badge,
  breakIntegration,
  clearNotifications,
  clearRequestLog,
  configureWorkspace,
  connectFromPopup,
  fireHealthAlarm,
  listedIntegrations,
  notificationIds,
  openOptions,
  openPopup,
  requestLog,
  signInOnEmulator,
  startWorld,
  textOf,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
} from './support';

const poll = { timeout: 15_000, interval: 100 };

describe.each(BROWSERS)('Integration health and reauthentication (%s)', (browser) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ browser });
    await configureWorkspace(world);
  });
  afterEach(async () => {
    await world.close();
  });

  async function connectAcmeAndGlobex() {
    await (await connectFromPopup(world, 'owner@acme.test')).close();
    await (await connectFromPopup(world, 'owner@globex.test')).close();
    const integrations = await workspaceIntegrations(world);
    const byName = (name: string) => integrations.find((i) => i.stripeAccountName === name)!.id as string;
    return { acme: byName('Acme Store'), globex: byName('Globex Shop') };
  }

  it('a broken integration: badge 1, one notification, listed first; Reauthenticate makes it active and clears the badge', async () => {
    const { globex } = await connectAcmeAndGlobex();
    expect((await badge(world)).text).toBe('');

    await breakIntegration(world, globex, 'expired');
    await fireHealthAlarm(world);
    await expect.poll(async () => (await badge(world)).text, poll).toBe('1');
    await expect.poll(() => notificationIds(world), poll).toHaveLength(1);
    expect((await badge(world)).title).toContain('Globex Shop');
    expect(await notificationIds(world)).toEqual([`integration-broken:${globex}@${world.server.url}/`]);

    // Polls that follow, changed or not, do not notify the same break again.
    await clearNotifications(world);
    await breakIntegration(world, globex, 'error'); // the list changes; Globex is still broken
    await fireHealthAlarm(world);
    await expect.poll(async () => (await workspaceIntegrations(world)).find((i) => i.id === globex)?.status, poll).toBe('error');
    const popup = await openPopup(world);
    await waitForText(popup, 'Sync error');
    expect(await notificationIds(world)).toEqual([]);

    // Needing attention comes first, though "Globex" sorts after "Acme".
    const rows = await listedIntegrations(popup);
    expect(rows[0]).toContain('Globex Shop');
    expect(rows[0]).toContain('Sync error');
    expect(rows[0]).toContain('The last sync failed');
    expect(rows[1]).toContain('Acme Store');
    expect(rows[1]).toContain('Active');

    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Reauthenticate Globex Shop"]').click();
    await signInOnEmulator(await stripeWindow, 'owner@globex.test');
    const shown = await waitForText(popup, 'Successful connection');
    expect(shown).toContain('Globex Shop');
    await expect.poll(async () => (await badge(world)).text, poll).toBe('');
    await expect.poll(async () => (await listedIntegrations(popup))[1], poll).toContain('Active');
    expect((await workspaceIntegrations(world)).find((i) => i.id === globex)).toMatchObject({ status: 'active', reason: null });
  });

  it('a revoked integration (merchant disconnected in Stripe) is shown with its reason', async () => {
    const { acme } = await connectAcmeAndGlobex();
    await breakIntegration(world, acme, 'revoked');
    const popup = await openPopup(world); // opening the popup checks health too
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Revoked');
    expect((await listedIntegrations(popup))[0]).toContain('the account owner disconnected this workspace');
    await expect.poll(async () => (await badge(world)).text, poll).toBe('1');
  });

  it('reauthenticating with a different Stripe account is refused and changes nothing', async () => {
    const { globex } = await connectAcmeAndGlobex();
    await breakIntegration(world, globex, 'expired');
    const before = await workspaceIntegrations(world);
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Expired');

    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Reauthenticate Globex Shop"]').click();
    await signInOnEmulator(await stripeWindow, 'owner@acme.test');
    await waitForText(popup, 'You signed in to a different Stripe account');
    expect(await textOf(popup, '[data-testid=flow-status]')).not.toContain('Successful connection');
    expect(await workspaceIntegrations(world)).toEqual(before);
    expect((await listedIntegrations(popup))[0]).toContain('Expired');
    expect((await badge(world)).text).toBe('1');
  });

  it('Disconnect asks first, then the integration disappears and the workspace deleted its Stripe credentials', async () => {
    const { acme } = await connectAcmeAndGlobex();
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(2);

    await popup.locator('button[aria-label="Disconnect Acme Store"]').click();
    await waitForText(popup, 'Disconnect Acme Store? The workspace stops syncing it');
    // Focus moves to Cancel: Enter does not disconnect.
    await popup.waitForFunction(() => document.activeElement?.textContent === 'Cancel', { timeout: 5_000, polling: 50 });
    await popup.keyboard.press('Enter');
    await popup.locator('button[aria-label="Disconnect Acme Store"]').wait();
    expect(await listedIntegrations(popup)).toHaveLength(2);
    expect(await workspaceIntegrations(world)).toHaveLength(2);

    await popup.locator('button[aria-label="Disconnect Acme Store"]').click();
    await popup.locator('.confirm button.danger').click();
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(1);
    expect((await listedIntegrations(popup))[0]).toContain('Globex Shop');
    expect((await workspaceIntegrations(world)).map((i) => i.id)).not.toContain(acme);
    expect(await world.server.db.query('SELECT 1 FROM stripe_credentials WHERE integration_id = $1', [acme])).toEqual([]);
    // Stripe Apps has no call to uninstall: the merchant does that in Stripe (Connect's deauthorize
    // is covered by the server tests in legacy mode).
    expect(world.server.emulator!.deauthorizations).toEqual([]);
  });

  it('an unchanged poll costs a 304 and neither writes storage nor re-renders the popup', async () => {
    await connectAcmeAndGlobex();
    // The popup's own refresh (sent after its first paint, which a background tab's throttled
    // timers can delay) is waited for before the poll is measured: cleared first, the log cannot
    // offer an earlier check's 304 instead, and a refresh landing later would count twice.
    await clearRequestLog(world);
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup)).length, poll).toBe(2);
    await expect
      .poll(async () => (await requestLog(world)).some((r) => r.path === '/api/v1/integrations' && r.status === 304), poll)
      .toBe(true);

    await popup.evaluate(() => {
      const w = window as unknown as { mutations: number; storageWrites: number };
      w.mutations = 0;
      w.storageWrites = 0;
      new MutationObserver((records) => (w.mutations += records.length)).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage.onChanged.addListener(
        () => (w.storageWrites += 1),
      );
    });
    await clearRequestLog(world);
    await fireHealthAlarm(world);
    await expect
      .poll(async () => (await requestLog(world)).filter((r) => r.path === '/api/v1/integrations'), poll)
      .toEqual([expect.objectContaining({ method: 'GET', status: 304 })]);
    // A check asked for now answers once the running one (or a new one, also a 304) is done with.
    await popup.evaluate(() =>
      ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).runtime.sendMessage({ type: 'check-health' }),
    );
    expect(await popup.evaluate(() => (window as unknown as { mutations: number }).mutations)).toBe(0);
    expect(await popup.evaluate(() => (window as unknown as { storageWrites: number }).storageWrites)).toBe(0);
  });

  it('the health-check period is set in the options page (15 minutes by default)', async () => {
    await expect.poll(() => alarmPeriod(world), poll).toBe(15);
    const options = await openOptions(world);
    await options.locator('#health-minutes').fill('0');
    await options.focus('#health-minutes');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Enter a whole number of minutes from 1 to 1440.');
    await options.locator('#health-minutes').fill('5');
    await options.focus('#health-minutes');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Data source health is checked every 5 minutes.');
    expect(await alarmPeriod(world)).toBe(5);
  });
});
