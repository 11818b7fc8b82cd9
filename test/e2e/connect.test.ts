import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BROWSERS,
  configureWorkspace,
  DEMO_STANDARD_TOKEN,
  extensionState,
  openOptions,
  openPopup,
  signInOnEmulator,
  startWorld,
  textOf,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
  useApiToken,
} from './support';

describe.each(BROWSERS)('Connect Stripe from the toolbar (%s)', (browser) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ browser });
  });
  afterEach(async () => {
    await world.close();
  });

  it('connects a Stripe account: install the app on Stripe, then the popup shows Successful connection; the code is exchanged once', async () => {
    const options = await configureWorkspace(world);
    expect(await textOf(options, '[data-testid=profile-status]')).toContain('Signed in as Ana García to Acme Analytics');

    const popup = await openPopup(world);
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    const stripe = await stripeWindow;
    // Stripe Apps' install page: the app, and the read-only permissions its manifest asks for.
    expect(await textOf(stripe, 'h1')).toBe('Install Workspace Connect');
    expect(await textOf(stripe)).toContain('Subscriptions\tRead only');
    await waitForText(popup, 'Sign in with Stripe in the window that opened');

    // The real popup closes when the Stripe window takes focus: the flow must not depend on it.
    await popup.close();
    await signInOnEmulator(stripe);

    const reopened = await openPopup(world);
    const shown = await waitForText(reopened, 'Successful connection');
    expect(shown).toContain('Acme Store');
    expect(shown).toContain('acct_1AcmeStoreTest00');
    expect(shown).toContain('Live mode');

    const integrations = await workspaceIntegrations(world);
    expect(integrations).toHaveLength(1);
    expect(integrations[0]).toMatchObject({
      provider: 'stripe',
      status: 'active',
      stripeAccountId: 'acct_1AcmeStoreTest00',
      stripeAccountName: 'Acme Store',
      livemode: true,
    });
    const exchanges = world.server.emulator!.grants.filter((g) => g.grantType === 'authorization_code');
    expect(exchanges.map((g) => [g.kind, g.outcome])).toEqual([['app', 'issued']]);
  });

  it('connects a test-mode account through the test install link the workspace offers', async () => {
    await configureWorkspace(world);
    const popup = await openPopup(world);
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button[aria-label="Connect in test mode"]').click();
    const stripe = await stripeWindow;
    expect(new URL(stripe.url()).pathname).toBe('/oauth/v2/chnlink_1EmulatorTest/authorize');
    expect(await textOf(stripe)).toContain('Test mode: the app is installed in your account’s test data.');
    await signInOnEmulator(stripe, 'owner@globex.test');
    const shown = await waitForText(popup, 'Successful connection');
    expect(shown).toContain('Globex Shop');
    expect(shown).toContain('Test mode');
    expect(await workspaceIntegrations(world)).toMatchObject([{ stripeAccountId: 'acct_1GlobexShopTest0', livemode: false }]);
  });

  it('Connect (legacy mode): sign in on Stripe Connect, then the popup shows Successful connection', async () => {
    await world.close();
    // A workspace still on a Connect platform, offering live mode only: no test-mode choice.
    world = await startWorld({ browser, server: { stripeProvider: 'connect', stripeModes: ['live'] } });
    await configureWorkspace(world);
    const popup = await openPopup(world);
    await waitForText(popup, 'Connect with Stripe');
    expect(await popup.$('button[aria-label="Connect in test mode"]')).toBeNull();
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    const stripe = await stripeWindow;
    expect(new URL(stripe.url()).pathname).toBe('/oauth/authorize');
    expect(await textOf(stripe, 'h1')).toBe('Sign in with Stripe to Continue');
    await signInOnEmulator(stripe);
    const shown = await waitForText(popup, 'Successful connection');
    expect(shown).toContain('Acme Store');
    expect(shown).toContain('Test mode');
    expect(await workspaceIntegrations(world)).toMatchObject([{ stripeAccountId: 'acct_1AcmeStoreTest00', livemode: false }]);
    expect(world.server.emulator!.grants.map((g) => [g.kind, g.grantType])).toEqual([['connect', 'authorization_code']]);
  });

  it('a popup that stays open follows the flow to the end', async () => {
    await configureWorkspace(world);
    const popup = await openPopup(world);
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    await signInOnEmulator(await stripeWindow);
    expect(await waitForText(popup, 'Successful connection')).toContain('Acme Store');
  });

  it('closing the Stripe window says the connection was cancelled and stores nothing', async () => {
    await configureWorkspace(world);
    const popup = await openPopup(world);
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    await (await stripeWindow).close();

    await waitForText(popup, 'The connection was cancelled');
    expect(await textOf(popup)).not.toContain('Successful connection');
    expect(await workspaceIntegrations(world)).toEqual([]);
    const stored = await extensionState(popup);
    expect(stored.flow).toMatchObject({ phase: 'failed', error: { code: 'window-closed' } });
    expect(stored.health).toMatchObject({ integrations: [] });
    expect(JSON.stringify(stored)).not.toMatch(/\bac_|\b[sr]k_(test|live)_/);
  });

  it('denying access on Stripe says access was denied', async () => {
    await configureWorkspace(world);
    const popup = await openPopup(world);
    const stripeWindow = waitForStripeWindow(world);
    await popup.locator('button ::-p-text(Connect with Stripe)').click();
    await (await stripeWindow).locator('button[value=deny]').click();

    await waitForText(popup, 'Access was denied at Stripe');
    expect(await workspaceIntegrations(world)).toEqual([]);
  });

  it('a bad API token is reported on the options page', async () => {
    const options = await configureWorkspace(world, 'wc_not_a_real_token');
    expect(await textOf(options, '[data-testid=profile-status]')).toContain('The workspace rejected this API token');
    const popup = await openPopup(world);
    // One problem, one message, and the way to fix it: nothing else beside it.
    await waitForText(popup, 'The workspace rejected this API token');
    const text = await textOf(popup);
    expect(text.split('rejected this API token')).toHaveLength(2);
    expect(await popup.$('button ::-p-text(Open settings)')).not.toBeNull();
    expect(await popup.$('button ::-p-text(Connect with Stripe)')).toBeNull();
    expect(text).not.toContain('No data sources yet');
  });

  it('a non-admin is told that connecting requires administrator permissions, and cannot connect', async () => {
    const options = await configureWorkspace(world, DEMO_STANDARD_TOKEN);
    const status = await textOf(options, '[data-testid=profile-status]');
    expect(status).toContain('Signed in as Sam Rivera to Acme Analytics');
    expect(status).toContain('Only workspace administrators can connect and manage data sources');

    const popup = await openPopup(world);
    const text = await waitForText(popup, 'Only workspace administrators can connect and manage data sources');
    // Specific: who is signed in, with which role.
    expect(text).toContain('You are signed in as Sam Rivera (Standard).');
    expect(await popup.$('button ::-p-text(Connect with Stripe)')).toBeNull();
  });

  it('the options page explains a bad workspace URL before calling anything', async () => {
    const options = await openOptions(world);
    // No token: the token field says so, and takes the focus.
    await options.locator('#workspace-url').fill('https://analytics.example.com');
    await useApiToken(options);
    await options.locator('#api-token').click();
    await options.keyboard.press('Enter');
    await waitForText(options, 'Enter your workspace API token');
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('api-token');

    await options.locator('#workspace-url').fill('not a url');
    await options.locator('#api-token').fill('x');
    await options.keyboard.press('Enter');
    await waitForText(options, 'That is not a web address');
    // Under its field, which is marked invalid, described by it, and has the focus.
    expect(
      await options.evaluate(() => {
        const field = document.getElementById('workspace-url')!;
        const problem = document.getElementById(field.getAttribute('aria-describedby') ?? '')!;
        return {
          focused: document.activeElement === field,
          invalid: field.getAttribute('aria-invalid'),
          next: field.nextElementSibling === problem,
          text: problem.textContent,
        };
      }),
    ).toEqual({ focused: true, invalid: 'true', next: true, text: expect.stringContaining('That is not a web address') });
    // Sign in checks the address first too (Enter in the URL field signs in).
    await options.locator('#workspace-url').fill('http://analytics.example.com');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Use an https:// address');
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('workspace-url');
  });

  it('an unreachable workspace is reported as such', async () => {
    const options = await configureWorkspace(world, undefined, 'http://127.0.0.1:9');
    expect(await textOf(options, '[data-testid=profile-status]')).toContain('The workspace cannot be reached');
  });
});
