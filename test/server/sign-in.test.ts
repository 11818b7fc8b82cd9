/**
 * Sign-in with the workspace, the server's half (issue #15): the reference workspace as an OAuth 2.0
 * authorization server, driven with `oauth4webapi` (the client library the extension will use) and
 * a browser's form posts: discovery (RFC 8414), code with PKCE, the sign-in and consent pages, the
 * API on the access token, rotating refresh tokens, revocation (RFC 7009).
 */
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { DEVELOPMENT_EXTENSION_ID } from '../../scripts/extension-ids';
import { startTestServer } from './helpers';
import { browseSignIn, type SignInAnswers } from './sign-in-browser';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
const REDIRECT = `https://${DEVELOPMENT_EXTENSION_ID}.chromiumapp.org/sign-in`;
const client: oauth.Client = { client_id: 'workspace-connect-extension' };
// The test server is plain http on loopback; the extension will require https for any other host.
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented switch for that case
const insecure = { [oauth.allowInsecureRequests]: true };

describe('sign-in with the workspace (authorization server)', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  async function discover() {
    const issuer = new URL(t.server.url);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  }

  /** The admin's browser: authorize, sign in, allow; answers where the workspace sends it back. */
  async function signIn(as: oauth.AuthorizationServer, answers: SignInAnswers = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorize = new URL(as.authorization_endpoint!);
    authorize.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'workspace offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    }).toString();
    return { ...(await browseSignIn(authorize.href, REDIRECT, answers)), state, verifier };
  }

  async function tokens(as: oauth.AuthorizationServer, back: URL, state: string, verifier: string) {
    const params = oauth.validateAuthResponse(as, client, back, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, insecure);
    return oauth.processAuthorizationCodeResponse(as, client, response);
  }

  const me = (accessToken: string) => t.api('/api/v1/me', { token: accessToken });

  it('discovery, code with PKCE through the sign-in and consent pages, then the API on the access token', async () => {
    t = await startTestServer();
    const as = await discover();
    expect(as).toMatchObject({ issuer: t.server.url, code_challenge_methods_supported: ['S256'] });
    expect(as.revocation_endpoint).toBeTruthy();

    const { back, state, verifier } = await signIn(as);
    const issued = await tokens(as, back!, state, verifier);
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 600 });
    expect(issued.refresh_token).toBeTruthy();

    const answer = await me(issued.access_token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ user: { name: 'Ana García' }, workspace: { name: 'Acme Analytics' }, role: 'admin' });
    // API tokens work as before beside it.
    expect((await t.api('/api/v1/me')).status).toBe(200);
  });

  it('a wrong password is told on the page; a denial goes back as access_denied', async () => {
    t = await startTestServer();
    const as = await discover();
    const wrong = await signIn(as, { password: 'not-it' });
    expect(wrong.page ?? '').toContain('Incorrect email or password.');

    const denied = await signIn(as, { decision: 'deny' });
    expect(denied.back!.searchParams.get('error')).toBe('access_denied');
  });

  it('refresh tokens rotate: the new pair works, the old refresh token is refused and ends the grant; revocation signs out', async () => {
    t = await startTestServer();
    const as = await discover();
    const { back, state, verifier } = await signIn(as);
    const first = await tokens(as, back!, state, verifier);

    const refresh = (token: string) =>
      oauth
        .refreshTokenGrantRequest(as, client, oauth.None(), token, insecure)
        .then((r) => oauth.processRefreshTokenResponse(as, client, r));
    const second = await refresh(first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200);

    // A reused refresh token: refused, and the whole grant with it (RFC 9700 §4.14).
    await expect(refresh(first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await me(second.access_token)).status).toBe(401);

    // Signing out revokes at the workspace (RFC 7009): the tokens stop working.
    const again = await signIn(as);
    const third = await tokens(as, again.back!, again.state, again.verifier);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), third.refresh_token!, insecure));
    await expect(refresh(third.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await me(third.access_token)).status).toBe(401);
  });
});
