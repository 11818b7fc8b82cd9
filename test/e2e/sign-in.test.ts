/**
 * Sign-in with the workspace (issue #15), end to end in Chromium and Firefox: the admin types the
 * workspace URL and clicks Sign in; the worker finds the workspace's authorization server, runs
 * its sign-in page in the browser's sign-in window (code + PKCE through `identity.launchWebAuthFlow`)
 * and keeps the tokens; the access token is renewed without a prompt; a refused renewal signs the
 * admin out with the list still shown; sign-out revokes at the workspace and forgets it.
 */
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/src/model';
import {
  advanceClock,
  BROWSERS,
  clearRequestLog,
  connectFromPopup,
  fireHealthAlarm,
  listedIntegrations,
  openOptions,
  openPopup,
  requestLog,
  startWorld,
  textOf,
  waitForText,
  signInOnWorkspace,
  waitForSignInWindow,
  workspacePage,
  type World,
} from './support';

/**
 * What the extension keeps, in both stores, as the worker wrote it; and the one workspace's
 * settings, access token and (not kept signed in) refresh token, whatever their keys' workspace.
 */
async function storedEverything(page: Page) {
  const { local, session } = await page.evaluate(async () => {
    const storage = ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage;
    return { local: await storage.local.get(null), session: await storage.session.get(null) };
  });
  const of = (store: Record<string, unknown>, key: string): unknown =>
    Object.entries(store).find(([name]) => name.startsWith(`${key}@`))?.[1];
  return {
    local,
    session,
    settings: of(local, 'settings') as Record<string, unknown> & { token: string },
    access: of(session, 'access') as { token: string },
    sessionToken: of(session, 'sessionToken') as string,
  };
}

/** The options page: the workspace URL, "keep me signed in" as asked, then Sign in. */
async function clickSignIn(world: World, options: { keepSignedIn?: boolean } = {}): Promise<Page> {
  const page = await openOptions(world);
  await page.locator('#workspace-url').fill(world.server.url);
  const keep = await page.$eval('input[type=checkbox]', (box) => box.checked);
  if (keep !== (options.keepSignedIn ?? true)) await page.locator('input[type=checkbox]').click();
  await page.locator('button ::-p-text(Sign in)').click();
  return page;
}

async function signIn(world: World, options: { keepSignedIn?: boolean; email?: string } = {}): Promise<Page> {
  const window = waitForSignInWindow(world);
  const page = await clickSignIn(world, options);
  await signInOnWorkspace(world, await window, options.email);
  return page;
}

describe.each(BROWSERS)('sign-in with the workspace (%s)', (browserName) => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('signs in through the workspace page; Connect works on the access token; no token is pasted', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world);
    const status = await waitForText(options, 'Signed in as Ana García to Acme Analytics', '[data-testid=profile-status]');
    expect(status).toContain('Signed in with your workspace account.');
    expect(status).toContain('You are an administrator');

    const { local, settings, access } = await storedEverything(options);
    expect(settings).toMatchObject({ workspaceUrl: `${world.server.url}/`, credential: 'sign-in', keepSignedIn: true });
    // The access token is in memory only; the refresh token is the one long-lived secret.
    expect(JSON.stringify(local)).not.toContain(access.token);
    expect(JSON.stringify(local)).not.toContain('wc_');

    const popup = await connectFromPopup(world);
    expect(await listedIntegrations(popup)).toHaveLength(1);
    // The extension holds no API token: every call it made was on the access token, and passed.
    const log = await requestLog(world);
    // Firefox first loads the authorize URL in the background, then again in its window.
    expect(log.filter((entry) => entry.method === 'GET' && entry.path === '/auth')).toHaveLength(browserName === 'firefox' ? 2 : 1);
    const calls = log.filter((entry) => entry.path.startsWith('/api/v1/'));
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every((entry) => entry.status < 400)).toBe(true);
  });

  it('an access token about to run out, or one the workspace no longer takes, is renewed without a prompt; a reused refresh token signs out, the list stays', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world);
    await waitForText(options, 'Signed in as Ana García', '[data-testid=profile-status]');
    const popup = await connectFromPopup(world);

    // Under a minute left on the access token: the next check renews it first, never sending the
    // old one (no 401 on the way).
    await popup.evaluate(async () => {
      const storage = ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage.session;
      const [key, access] = Object.entries(await storage.get(null)).find(([name]) => name.startsWith('access@'))!;
      await storage.set({ [key]: { ...(access as object), expiresAt: Date.now() + 30_000 } });
    });
    await clearRequestLog(world);
    await fireHealthAlarm(world);
    await expect
      .poll(async () => (await requestLog(world)).map((e) => `${e.method} ${e.path} ${e.status}`), { timeout: 10_000 })
      .toEqual(['POST /token 200', 'GET /api/v1/integrations 304']);
    const before = await storedEverything(popup);

    // Eleven minutes on the workspace's clock: the access token (ten minutes) has run out there,
    // while the browser still thinks it good. The next check is refused, renewed and sent again.
    await advanceClock(world, 11 * 60);
    await clearRequestLog(world);
    await fireHealthAlarm(world);
    await expect
      .poll(async () => (await requestLog(world)).map((e) => `${e.method} ${e.path} ${e.status}`), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['POST /token 200', 'GET /api/v1/integrations 304']));
    const after = await storedEverything(popup);
    // The refresh token rotated, the access token is new, no window opened.
    expect(after.settings.token).not.toBe(before.settings.token);
    expect(after.access.token).not.toBe(before.access.token);
    expect((await world.browser.pages()).some((page) => page.url().includes('/sign-in/'))).toBe(false);

    // Someone replays the refresh token the extension used before: the workspace takes it for a
    // stolen one and ends the whole sign-in. The extension's next renewal is refused.
    const replayed = await fetch(`${world.server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: before.settings.token,
        client_id: 'workspace-connect-extension',
      }),
    });
    expect(replayed.status).toBe(400);
    await advanceClock(world, 11 * 60);
    await fireHealthAlarm(world);
    const signedOut = await waitForText(popup, 'Your sign-in to the workspace has ended');
    // The list stays as last known, read-only, with the way back in.
    expect(await listedIntegrations(popup)).toHaveLength(1);
    expect(signedOut).not.toContain('Reauthenticate');
    // Said once, by the sign-in notice; the list is not marked as failing for it.
    expect(signedOut.split('Your sign-in to the workspace has ended')).toHaveLength(2);
    expect((await storedEverything(popup)).settings.token).toBe('');

    // Sign in again: this browser is still signed in at the workspace, so one click continues.
    const window = waitForSignInWindow(world);
    await popup.bringToFront();
    await popup.locator('button ::-p-text(Sign in again)').click();
    const page = await window;
    expect(await textOf(page)).toContain('You are signed in to this workspace in this browser as Ana García');
    await page.locator('button ::-p-text(Continue as Ana García)').click();
    // The replay revoked the grant: the workspace asks for consent again.
    await (await workspacePage(world, 'button[value=allow]')).locator('button[value=allow]').click();
    await waitForText(popup, 'Signed in as Ana García to Acme Analytics', '[data-testid=signed-in]');
    expect(await popup.$('button ::-p-text(Connect with Stripe)')).not.toBeNull();
  });

  it('sign-out revokes at the workspace and leaves nothing of it in the extension', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world);
    await waitForText(options, 'Signed in as Ana García', '[data-testid=profile-status]');
    await connectFromPopup(world);
    const held = await storedEverything(options);
    const refreshToken = held.settings.token;

    await options.bringToFront();
    await options.locator('button ::-p-text(Sign out)').click();
    await waitForText(options, 'Signed out: nothing of that workspace is kept in the extension.');
    // The workspace saw the revocation: the grant and all its tokens are gone there.
    await expect
      .poll(
        () =>
          world.server.db.query<{ model: string }>(
            `SELECT model FROM oauth_records WHERE model IN ('RefreshToken', 'AccessToken', 'Grant')`,
          ),
        {
          timeout: 10_000,
        },
      )
      .toEqual([]);
    expect((await requestLog(world)).some((entry) => entry.path === '/token/revocation' && entry.status === 200)).toBe(true);
    // Nothing of that workspace in either store: no URL, token, profile or list.
    const { local, session } = await storedEverything(options);
    expect(local).toEqual({ schemaVersion: expect.any(Number) });
    expect(session).toEqual({});
    const everything = JSON.stringify({ local, session });
    for (const trace of [world.server.url, refreshToken, 'Acme', 'acct_']) expect(everything).not.toContain(trace);
  });

  it('a non-admin signing in sees the admin-only message, as with a token', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world, { email: 'sam@acme.test' });
    const status = await waitForText(options, 'Signed in as Sam Rivera to Acme Analytics', '[data-testid=profile-status]');
    expect(status).toContain('Only workspace administrators can connect and manage data sources');
    const popup = await openPopup(world);
    await waitForText(popup, 'You are signed in as Sam Rivera (Standard).');
    expect(await popup.$('button ::-p-text(Connect with Stripe)')).toBeNull();
  });

  it('"don\'t keep me signed in": the refresh token is in memory only, never in storage.local', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world, { keepSignedIn: false });
    await waitForText(options, 'Signed in as Ana García', '[data-testid=profile-status]');
    const { local, settings, access, sessionToken: refreshToken } = await storedEverything(options);
    expect(refreshToken.length).toBeGreaterThan(20);
    expect(settings).toMatchObject({ credential: 'sign-in', keepSignedIn: false, token: '' });
    expect(JSON.stringify(local)).not.toContain(refreshToken);
    expect(JSON.stringify(local)).not.toContain(access.token);

    // The browser restarts: the session store is emptied. The popup no longer says "Signed in as"
    // and offers to sign in again, the list kept.
    await options.evaluate(() => ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage.session.clear());
    const popup = await openPopup(world);
    await fireHealthAlarm(world);
    await waitForText(popup, 'Your sign-in to the workspace has ended');
    expect(await popup.$('button ::-p-text(Sign in again)')).not.toBeNull();
  });

  it('"Use another account" signs in as someone else; closing the window or Cancel at consent says so', async () => {
    world = await startWorld({ browser: browserName });
    const options = await signIn(world);
    await waitForText(options, 'Signed in as Ana García', '[data-testid=profile-status]');

    // Consent refused: not signed in as anyone new; the workspace's answer is shown.
    let window = waitForSignInWindow(world);
    await options.bringToFront();
    await options.locator('button ::-p-text(Sign in)').click();
    let page = await window;
    await page.locator('a ::-p-text(Use another account)').click();
    page = await workspacePage(world, '#email');
    await page.locator('#email').fill('sam@acme.test');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    // Sam has not allowed the extension yet: the workspace asks, and Sam cancels.
    await (await workspacePage(world, 'button[value=deny]')).locator('button[value=deny]').click();
    await waitForText(options, 'You did not allow Workspace Connect at your workspace', '[data-testid=sign-in-status]');
    // The sign-in it would have replaced is intact.
    expect(await textOf(options, '[data-testid=profile-status]')).toContain('Signed in as Ana García');

    // The window closed before finishing.
    window = waitForSignInWindow(world);
    await options.bringToFront();
    await options.locator('button ::-p-text(Sign in)').click();
    page = await window;
    await page.close();
    await waitForText(options, 'Sign-in was cancelled: the window was closed before you finished.', '[data-testid=sign-in-status]');
  });
});
