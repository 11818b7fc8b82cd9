/**
 * Stripe Apps OAuth as the admin lives it: access tokens that expire every hour and are renewed by
 * the workspace without anyone noticing, a renewal Stripe refuses, an uninstall, and the same
 * Stripe account installed from another workspace.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../server/src/data/workspaces';
import { authorizeOnEmulator, REDIRECT_URI } from '../server/helpers';
import {
  advanceClock,
  badge,
  BROWSERS,
  configureWorkspace,
  connectFromPopup,
  fireHealthAlarm,
  listedIntegrations,
  notificationIds,
  openPopup,
  runTokenRefresher,
  signInOnEmulator,
  startWorld,
  stripeAccountControl,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
} from './support';

const poll = { timeout: 15_000, interval: 100 };
const HOUR = 3600;
const ACME = 'acct_1AcmeStoreTest00';

describe.each(BROWSERS)('Stripe Apps tokens that expire (%s)', (browser) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ browser });
    await configureWorkspace(world);
  });
  afterEach(async () => {
    await world.close();
  });

  const refreshesAtStripe = () => world.server.emulator!.grants.filter((g) => g.grantType === 'refresh_token');

  it('two hours pass: the workspace renewed the tokens once, the integration stays active, and the admin sees nothing', async () => {
    await (await connectFromPopup(world)).close();
    await advanceClock(world, 2 * HOUR);
    // The refresher's passes overlap (here two at once): Stripe sees one renewal.
    await Promise.all([runTokenRefresher(world), runTokenRefresher(world)]);
    expect(refreshesAtStripe().map((g) => [g.accountId, g.outcome])).toEqual([[ACME, 'issued']]);

    await fireHealthAlarm(world);
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Active');
    expect((await badge(world)).text).toBe('');
    expect(await notificationIds(world)).toEqual([]);
    expect(await workspaceIntegrations(world)).toMatchObject([{ stripeAccountId: ACME, status: 'active', reason: null }]);
  });

  it('a renewal Stripe refuses: expired, badge and notification, then Reauthenticate makes the same integration active again', async () => {
    await (await connectFromPopup(world)).close();
    const [connected] = await workspaceIntegrations(world);
    // The refresh token stops working (rotated away by someone else, say); the renewal falls due.
    await stripeAccountControl(world, ACME, 'revoke-tokens');
    await advanceClock(world, 55 * 60);
    expect(await runTokenRefresher(world)).toMatchObject({ refused: 1 });

    await fireHealthAlarm(world);
    await expect.poll(async () => (await badge(world)).text, poll).toBe('1');
    await expect.poll(() => notificationIds(world), poll).toEqual([`integration-broken:${String(connected!.id)}@${world.server.url}/`]);
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Expired');
    expect((await listedIntegrations(popup))[0]).toContain('Stripe stopped renewing this connection’s access');

    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Reauthenticate Acme Store"]').click();
    await signInOnEmulator(await stripeWindow);
    await waitForText(popup, 'Successful connection');
    await expect.poll(async () => (await badge(world)).text, poll).toBe('');
    expect(await workspaceIntegrations(world)).toMatchObject([{ id: connected!.id, status: 'active', reason: null }]);
    // The new tokens renew like the first ones did.
    await advanceClock(world, 2 * HOUR);
    expect(await runTokenRefresher(world)).toMatchObject({ refreshed: 1 });
  });

  it('uninstalled in Stripe → revoked; installed from another workspace → revoked, saying it was connected again elsewhere', async () => {
    await (await connectFromPopup(world)).close();
    await stripeAccountControl(world, ACME, 'disconnect');
    const popup = await openPopup(world);
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Revoked');
    expect((await listedIntegrations(popup))[0]).toContain('Access was revoked in Stripe');

    // Reinstalled here, then installed by the same Stripe account for another workspace on this server.
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Reauthenticate Acme Store"]').click();
    await signInOnEmulator(await stripeWindow);
    await waitForText(popup, 'Successful connection');
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Active');
    await installFromAnotherWorkspace(world);

    await fireHealthAlarm(world);
    await expect.poll(async () => (await listedIntegrations(popup))[0], poll).toContain('Revoked');
    expect((await listedIntegrations(popup))[0]).toContain('This Stripe account was connected again elsewhere');
    await expect.poll(async () => (await badge(world)).text, poll).toBe('1');
  });
});

/** Another workspace on the same server, whose admin installs the app for the same Stripe account. */
async function installFromAnotherWorkspace(world: World): Promise<void> {
  const token = 'wc_globex_admin_token';
  await createWorkspace(world.server.db, {
    id: 'ws_globex',
    name: 'Globex Analytics',
    users: [{ id: 'usr_globex', name: 'Gil Bex', email: 'gil@globex.test', role: 'admin', token }],
  });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const session = (await (
    await fetch(`${world.server.url}/api/v1/connect-sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
    })
  ).json()) as { id: string; authorizeUrl: string };
  const redirect = await authorizeOnEmulator(session.authorizeUrl, { email: 'owner@acme.test' });
  const completed = await fetch(`${world.server.url}/api/v1/connect-sessions/${session.id}/complete`, {
    method: 'POST',
    headers: { ...headers, 'Idempotency-Key': `globex-${session.id}` },
    body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
  });
  expect(completed.status).toBe(201);
}

// Both browsers at once: each test mostly waits out its browser's idle timeout, in a world of its own.
describe.concurrent('a slow sign-in at Stripe', () => {
  it.for(BROWSERS)(
    'outlasts the background’s idle timeout and still ends in Successful connection (%s)',
    { timeout: 90_000 },
    async (browserName, { expect }) => {
      // Firefox's event page idles out after 30 s without events; here after 2 s, so a sign-in of a
      // few seconds spans several idle periods. Chromium's service worker idles out after 30 s, a
      // limit no flag shortens, so there the admin takes a little longer than that.
      const idleMs = browserName === 'firefox' ? 2_000 : 30_000;
      const world = await startWorld({ browser: browserName, firefoxPrefs: { 'extensions.background.idle.timeout': idleMs } });
      try {
        await configureWorkspace(world);
        const popup = await openPopup(world);
        if (browserName === 'firefox') {
          // The shortened timeout is in effect: an idle event page is gone (runtime.getContexts).
          const backgrounds = () =>
            popup.evaluate(async () => {
              const runtime = browser.runtime as unknown as { getContexts(filter: { contextTypes: string[] }): Promise<unknown[]> };
              return (await runtime.getContexts({ contextTypes: ['BACKGROUND'] })).length;
            });
          await expect.poll(backgrounds, { timeout: 15_000, interval: 250 }).toBe(0);
        }
        const stripeWindow = waitForStripeWindow(world);
        await popup.locator('button ::-p-text(Connect with Stripe)').click();
        const stripe = await stripeWindow;
        await popup.close();
        // The admin reads the permissions, finds their password: no extension event meanwhile.
        await new Promise((resolve) => setTimeout(resolve, browserName === 'firefox' ? 5 * idleMs : idleMs + 5_000));
        await signInOnEmulator(stripe);
        const reopened = await openPopup(world);
        expect(await waitForText(reopened, 'Successful connection')).toContain('Acme Store');
        expect(await workspaceIntegrations(world)).toMatchObject([{ stripeAccountId: ACME, status: 'active' }]);
      } finally {
        await world.close();
      }
    },
  );
});
