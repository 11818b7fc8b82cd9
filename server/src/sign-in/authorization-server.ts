/**
 * The workspace as an OAuth 2.0 authorization server for the extension (issue #15), on
 * `oidc-provider`: authorization code with PKCE (S256) for the extension as a public client,
 * rotating refresh tokens (a reused one revokes its whole grant), revocation (RFC 7009), and
 * discovery at `/.well-known/oauth-authorization-server` (RFC 8414). Its records live on the
 * workspace's PostgreSQL. Access tokens are opaque, for one audience: this workspace's API.
 */
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../db/database';
import { callerOfUser } from '../data/workspaces';
import type { Caller } from '../model';
import { hashToken } from '../secrets';
import { oauthRecordsAdapter } from './oauth-records';
import { problemPage } from './pages';

/** The extension's client id, the same for every workspace. */
export const EXTENSION_CLIENT_ID = 'workspace-connect-extension';
/** What the extension may do with its access token: everything its admin can do in the API. */
export const API_SCOPE = 'workspace';
export const ACCESS_TOKEN_SECONDS = 600;

export interface AuthorizationServerOptions {
  /** The workspace's public URL: the issuer, and (with `/api/v1`) the access tokens' audience. */
  issuer: string;
  db: Database;
  /** The extension's `identity.getRedirectURL('sign-in')` in each browser it is published for. */
  redirectUris: string[];
  /** Keys that sign the sign-in cookies (the newest first; older ones still verify). */
  cookieKeys: string[];
  /**
   * Private EC P-256 JWKs (ES256) for what oidc-provider signs (its discovery lists them; no ID
   * tokens are issued: there is no `openid` scope). Without them, one is made for this process.
   */
  signingKeys?: JsonWebKey[];
  now: () => number;
  /**
   * Behind a reverse proxy (the public URL differs from the one it listens on): its endpoints are
   * named from `X-Forwarded-Proto` / `X-Forwarded-Host`, as the admin's browser reaches them.
   */
  behindProxy?: boolean;
}

export interface AuthorizationServer {
  provider: Provider;
  /** The caller an access token stands for, or null when it is not one of ours, expired or revoked. */
  callerOf(accessToken: string): Promise<Caller | null>;
}

export function createAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const audience = new URL('/api/v1', options.issuer).toString();
  const extensionOrigins = extensionOriginsOf(options.redirectUris);
  const configuration: Configuration = {
    adapter: oauthRecordsAdapter(options.db, options.now),
    clients: [
      {
        client_id: EXTENSION_CLIENT_ID,
        client_name: 'Workspace Connect',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.redirectUris,
        // What the signing keys are for (EC P-256); no ID token is issued without `openid` anyway.
        id_token_signed_response_alg: 'ES256',
      },
    ],
    // A user is an account; the API reads who they are from the workspace's own tables.
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/sign-in/${interaction.uid}`, policy: signInPolicy() },
    scopes: [API_SCOPE, 'offline_access'],
    features: {
      devInteractions: { enabled: false },
      // The extension revokes its own tokens on sign-out; another client's are left alone (and the
      // answer is the same, so tokens cannot be probed).
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: KoaContextWithOIDC, client, token) => Promise.resolve(token.clientId === client.clientId),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => {
          if (resource !== audience) throw new errors.InvalidTarget();
          return { scope: API_SCOPE, audience, accessTokenTTL: ACCESS_TOKEN_SECONDS, accessTokenFormat: 'opaque' as const };
        },
      },
    },
    // The extension keeps the admin signed in: a refresh token with every code, rotated on each use.
    issueRefreshToken: (_ctx: KoaContextWithOIDC, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // The extension's sign-in is its own: it outlives the admin's browser session at the workspace
    // (and a sign-out there), and ends when the extension signs out or a refresh token is reused.
    expiresWithSession: () => false,
    pkce: { required: () => true },
    // The token and revocation endpoints answer the extension's worker, whose requests carry its
    // origin: Chromium's is its id (the one in its redirect URL); Firefox's is random per install.
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string) => extensionOrigins.has(origin) || origin.startsWith('moz-extension://'),
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 365 * 24 * 3600,
    },
    cookies: { keys: options.cookieKeys },
    // oidc-provider's own error page (a redirect URI it will not send to, a request it refuses), in the workspace's look.
    renderError: (ctx: KoaContextWithOIDC, out: { error_description?: string | undefined }) => {
      ctx.type = 'html';
      ctx.body = problemPage(out.error_description);
    },
    jwks: { keys: options.signingKeys ?? [processSigningKey()] },
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.behindProxy ?? false;

  return {
    provider,
    async callerOf(accessToken) {
      const token = await provider.AccessToken.find(accessToken);
      if (!token?.accountId || token.isExpired || token.aud !== audience) return null;
      return callerOfUser(options.db, token.accountId, hashToken(accessToken).toString('base64url'));
    },
  };
}

/**
 * oidc-provider's prompts, with one more reason to show the sign-in page: an admin already signed
 * in to the workspace in this browser confirms the account ("Continue as …", one click) or picks
 * another, instead of being signed in silently as whoever used the browser last.
 */
function signInPolicy() {
  const policy = interactionPolicy.base();
  const confirmAccount = new interactionPolicy.Check('account_not_confirmed', 'The admin confirms which account signs in', (ctx) =>
    ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
  );
  policy.get('login')?.checks.add(confirmAccount);
  return policy;
}

/** `https://<id>.chromiumapp.org/…` is the redirect URL of the Chromium extension `chrome-extension://<id>`. */
function extensionOriginsOf(redirectUris: string[]): Set<string> {
  const ids = redirectUris.map((uri) => /^https:\/\/([a-p]{32})\.chromiumapp\.org\//.exec(uri)?.[1]).filter((id) => id !== undefined);
  return new Set(ids.map((id) => `chrome-extension://${id}`));
}

function processSigningKey(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
}
