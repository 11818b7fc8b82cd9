/**
 * The extension's side of sign-in with the workspace (`src/shared/workspace-sign-in.ts`, the code the
 * service worker runs) against the reference workspace's authorization server: discovery, the
 * sign-in window's answers (granted, declined, closed, forged), rotation, a refused refresh, and
 * revocation; each outcome as the typed error the admin's message comes from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SIGN_IN_REDIRECT_URIS } from '../../scripts/extension-ids';
import { discover, refresh, revoke, signIn, type SignInDeps } from '../../src/shared/workspace-sign-in';
import { startTestServer } from './helpers';
import { browseSignIn, type SignInAnswers } from './sign-in-browser';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
const redirectUri = SIGN_IN_REDIRECT_URIS[0]!;
const protocol = { now: () => Date.now() };

/** The sign-in window, played by a browser that signs in with `answers`. */
const window = (answers: SignInAnswers = {}): SignInDeps => ({
  ...protocol,
  redirectUri,
  launchWebAuthFlow: async (url) => {
    const outcome = await browseSignIn(url, redirectUri, answers);
    if (!outcome.back) throw new Error(`stopped on a page: ${outcome.page}`);
    return outcome.back.href;
  },
});

describe('the extension signing in with the workspace', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  it('signs in, renews with rotation, and a reused refresh token ends the sign-in', async () => {
    t = await startTestServer();
    const workspace = new URL(`${t.server.url}/`);
    const started = Date.now();
    const first = await signIn(workspace, window());
    if (!first.ok) throw new Error(first.error.code);
    expect(first.value.access.expiresAt).toBeGreaterThanOrEqual(started + 600_000);
    expect(first.value.access.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(first.value.access.server).toEqual({
      issuer: t.server.url,
      token_endpoint: `${t.server.url}/token`,
      revocation_endpoint: `${t.server.url}/token/revocation`,
    });
    expect((await t.api('/api/v1/me', { token: first.value.access.token })).status).toBe(200);

    const second = await refresh(first.value.access.server, first.value.refreshToken, protocol);
    if (!second.ok) throw new Error(second.error.code);
    expect(second.value.refreshToken).not.toBe(first.value.refreshToken);
    expect((await t.api('/api/v1/me', { token: second.value.access.token })).status).toBe(200);

    const reused = await refresh(first.value.access.server, first.value.refreshToken, protocol);
    expect(reused).toMatchObject({ ok: false, error: { code: 'signed-out', detail: expect.stringContaining('invalid_grant') } });
    // The whole grant went with it: the rotated token too.
    expect(await refresh(first.value.access.server, second.value.refreshToken, protocol)).toMatchObject({
      ok: false,
      error: { code: 'signed-out' },
    });
  });

  it('revocation (sign-out) ends the refresh token and its access tokens', async () => {
    t = await startTestServer();
    const signedIn = await signIn(new URL(t.server.url), window());
    if (!signedIn.ok) throw new Error(signedIn.error.code);
    const { access, refreshToken } = signedIn.value;
    expect(await revoke(access.server, refreshToken, protocol)).toEqual({ ok: true, value: undefined });
    expect(await refresh(access.server, refreshToken, protocol)).toMatchObject({ ok: false, error: { code: 'signed-out' } });
    expect((await t.api('/api/v1/me', { token: access.token })).status).toBe(401);
  });

  it('each way a sign-in does not finish is its own error', async () => {
    t = await startTestServer();
    const workspace = new URL(t.server.url);
    // Cancel on the consent page.
    expect(await signIn(workspace, window({ decision: 'deny' }))).toMatchObject({ ok: false, error: { code: 'sign-in-declined' } });
    // The window closed (Chromium's and Firefox's words).
    for (const message of ['The user did not approve access.', 'User cancelled or denied access.']) {
      const closed = await signIn(workspace, { ...window(), launchWebAuthFlow: () => Promise.reject(new Error(message)) });
      expect(closed).toMatchObject({ ok: false, error: { code: 'sign-in-cancelled' } });
    }
    // An answer for another sign-in (its state differs): refused, and the code is never spent.
    const forged = await signIn(workspace, {
      ...window(),
      launchWebAuthFlow: async (url) => {
        const back = new URL((await browseSignIn(url, redirectUri)).back!);
        back.searchParams.set('state', 'someone-elses');
        return back.href;
      },
    });
    expect(forged).toMatchObject({ ok: false, error: { code: 'sign-in-failed' } });
  });

  it('a workspace without sign-in, and one that cannot be reached, say so', async () => {
    t = await startTestServer();
    // The Stripe emulator stands in for a site with no authorization server.
    expect(await discover(new URL(t.server.emulator!.url), protocol)).toMatchObject({ ok: false, error: { code: 'sign-in-unavailable' } });
    expect(await discover(new URL('http://127.0.0.1:9/'), protocol)).toMatchObject({ ok: false, error: { code: 'workspace-unreachable' } });
  });
});
