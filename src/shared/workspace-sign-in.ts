/**
 * Sign-in with the workspace, the protocol half (issue #15): the workspace's authorization server
 * found by RFC 8414 discovery, authorization code with PKCE (S256) and a state through the
 * browser's sign-in window, rotating refresh tokens, revocation (RFC 7009). All of it through
 * `oauth4webapi`, which needs only `fetch` and WebCrypto: no `browser.*` here, so the worker, unit
 * tests and the benchmark run the same code against the reference workspace.
 */
import * as oauth from 'oauth4webapi';
import { appError, type AppError } from './errors';
import { err, ok, type Result } from './result';
import { closedByAdmin } from './web-auth-flow';

/** The extension as the workspace knows it: a public client, the same in every workspace. */
export const EXTENSION_CLIENT_ID = 'workspace-connect-extension';
const client: oauth.Client = { client_id: EXTENSION_CLIENT_ID };
/** Everything the admin can do in the workspace's API. */
const SCOPE = 'workspace';

/** The authorization server's endpoints, kept between calls (not secret). A type, not an interface: it is an `oauth.AuthorizationServer`. */
export type AuthorizationServerInfo = {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint?: string;
};

/** What discovery finds: the above, and where the sign-in page is. */
type DiscoveredServer = AuthorizationServerInfo & { authorization_endpoint: string };

/** A short-lived access token and when it runs out (on the browser's clock). */
export interface AccessGrant {
  token: string;
  expiresAt: number;
  server: AuthorizationServerInfo;
}

export interface Tokens {
  access: AccessGrant;
  refreshToken: string;
}

export interface SignInDeps {
  /** `identity.launchWebAuthFlow({url, interactive: true})`: the URL the workspace sent the browser back to. */
  launchWebAuthFlow: (url: string) => Promise<string>;
  /** `identity.getRedirectURL('sign-in')`. */
  redirectUri: string;
  now: () => number;
  timeoutMs?: number;
}

type ProtocolDeps = Pick<SignInDeps, 'now' | 'timeoutMs'>;

/**
 * The issuer a workspace URL stands for: the URL itself (a workspace under a path has its
 * authorization server there too). Plain HTTP only reaches loopback (`parseWorkspaceUrl`).
 */
function issuerOf(workspaceUrl: URL): URL {
  const issuer = new URL(workspaceUrl.href);
  if (issuer.pathname !== '/') issuer.pathname = issuer.pathname.replace(/\/$/, '');
  return issuer;
}

function requestOptions(url: URL | string, deps: ProtocolDeps) {
  return {
    signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    // Loopback only (a workspace on this machine); every other workspace is HTTPS.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented switch for that case
    ...(new URL(url).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** Finds the workspace's authorization server: `/.well-known/oauth-authorization-server`. */
export async function discover(workspaceUrl: URL, deps: ProtocolDeps): Promise<Result<DiscoveredServer, AppError>> {
  const issuer = issuerOf(workspaceUrl);
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...requestOptions(issuer, deps) });
    const server = await oauth.processDiscoveryResponse(issuer, response);
    if (!server.authorization_endpoint || !server.token_endpoint) return err(appError('sign-in-unavailable', 'no endpoints'));
    return ok({
      issuer: server.issuer,
      token_endpoint: server.token_endpoint,
      authorization_endpoint: server.authorization_endpoint,
      ...(server.revocation_endpoint ? { revocation_endpoint: server.revocation_endpoint } : {}),
    });
  } catch (cause) {
    // A workspace without sign-in answers 404 (or not JSON): it offers API tokens only.
    return err(networkError(cause) ?? appError('sign-in-unavailable', describe(cause)));
  }
}

/**
 * The whole sign-in: the workspace's page in the browser's sign-in window, then the code for
 * tokens. The PKCE verifier and the state never leave this call.
 */
export async function signIn(workspaceUrl: URL, deps: SignInDeps): Promise<Result<Tokens, AppError>> {
  const found = await discover(workspaceUrl, deps);
  if (!found.ok) return found;
  const server = found.value;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorize = new URL(server.authorization_endpoint);
  // The sign-in page is the workspace's own: it must be on the workspace's origin.
  if (authorize.origin !== workspaceUrl.origin) return err(appError('sign-in-failed', `authorization endpoint on ${authorize.origin}`));
  authorize.search = new URLSearchParams({
    client_id: EXTENSION_CLIENT_ID,
    redirect_uri: deps.redirectUri,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  }).toString();

  let answer: URL;
  try {
    answer = new URL(await deps.launchWebAuthFlow(authorize.href));
  } catch (cause) {
    const message = describe(cause);
    return err(appError(closedByAdmin(message) ? 'sign-in-cancelled' : 'sign-in-failed', message));
  }
  try {
    const params = oauth.validateAuthResponse(server, client, answer, state);
    const started = deps.now();
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.None(),
      params,
      deps.redirectUri,
      verifier,
      requestOptions(server.token_endpoint, deps),
    );
    // The token response's checks without the ID token's (no `openid` is asked for, so none comes):
    // the OAuth 2.0 half of `processAuthorizationCodeResponse`, 0.4 KB lighter in the worker.
    return tokensFrom(await oauth.processGenericTokenEndpointResponse(server, client, response), server, started);
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError && cause.error === 'access_denied') {
      return err(appError('sign-in-declined', describe(cause)));
    }
    return err(networkError(cause) ?? appError('sign-in-failed', describe(cause)));
  }
}

/**
 * A new access token for the refresh token, which the workspace rotates: the one returned
 * replaces it. A refused one (`invalid_grant`: revoked, reused, expired) ends the sign-in.
 */
export async function refresh(
  server: AuthorizationServerInfo,
  refreshToken: string,
  deps: ProtocolDeps,
): Promise<Result<Tokens, AppError>> {
  try {
    const started = deps.now();
    const response = await oauth.refreshTokenGrantRequest(
      server,
      client,
      oauth.None(),
      refreshToken,
      requestOptions(server.token_endpoint, deps),
    );
    const tokens = await oauth.processRefreshTokenResponse(server, client, response);
    return tokensFrom({ ...tokens, refresh_token: tokens.refresh_token ?? refreshToken }, server, started);
  } catch (cause) {
    if (cause instanceof oauth.ResponseBodyError && (cause.error === 'invalid_grant' || cause.error === 'invalid_client')) {
      return err(appError('signed-out', describe(cause)));
    }
    if (cause instanceof oauth.ResponseBodyError && cause.status >= 500) return err(appError('server-error', describe(cause)));
    return err(networkError(cause) ?? appError('bad-response', describe(cause)));
  }
}

/** Revokes a token at the workspace (RFC 7009); sign-out goes on whatever the answer. */
export async function revoke(server: AuthorizationServerInfo, token: string, deps: ProtocolDeps): Promise<Result<void, AppError>> {
  if (!server.revocation_endpoint) return err(appError('sign-in-unavailable', 'no revocation endpoint'));
  try {
    const response = await oauth.revocationRequest(server, client, oauth.None(), token, requestOptions(server.revocation_endpoint, deps));
    await oauth.processRevocationResponse(response);
    return ok(undefined);
  } catch (cause) {
    return err(networkError(cause) ?? appError('server-error', describe(cause)));
  }
}

function tokensFrom(tokens: oauth.TokenEndpointResponse, server: AuthorizationServerInfo, started: number): Result<Tokens, AppError> {
  if (!tokens.refresh_token) return err(appError('sign-in-failed', 'no refresh token'));
  const { issuer, token_endpoint, revocation_endpoint } = server;
  return ok({
    refreshToken: tokens.refresh_token,
    access: {
      token: tokens.access_token,
      // Measured from when the request left: the token is never thought to live longer than it does.
      expiresAt: started + (tokens.expires_in ?? 300) * 1000,
      server: { issuer, token_endpoint, ...(revocation_endpoint ? { revocation_endpoint } : {}) },
    },
  });
}

function networkError(cause: unknown): AppError | null {
  if (cause instanceof DOMException && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) return appError('timeout');
  // `fetch` fails with a plain TypeError; oauth4webapi's own TypeErrors carry a `code`.
  if (cause instanceof TypeError && !('code' in cause)) return appError('workspace-unreachable', cause.message);
  return null;
}

/** For the details: an OAuth error's own code and description, else the message. */
function describe(cause: unknown): string {
  if (cause instanceof oauth.ResponseBodyError || cause instanceof oauth.AuthorizationResponseError) {
    return `${cause.error}${cause.error_description ? `: ${cause.error_description}` : ''}`;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
