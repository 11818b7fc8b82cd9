/**
 * The workspace as an OAuth 2.0 authorization server for the extension (issue #15), on
 * `oidc-provider`: authorization code with PKCE (S256) for the extension as a public client,
 * rotating refresh tokens (a reused one revokes its whole grant), revocation (RFC 7009), and
 * discovery at `/.well-known/oauth-authorization-server` (RFC 8414). Its records live on the
 * workspace's PostgreSQL. Access tokens are opaque, for one audience: this workspace's API.
 */
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../db/database';
import { callerOfUser } from '../data/workspaces';
import type { Caller } from '../model';
import { hashToken } from '../secrets';
import { oauthRecordsAdapter } from './oauth-records';

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
}

export interface AuthorizationServer {
  provider: Provider;
  /** The caller an access token stands for, or null when it is not one of ours, expired or revoked. */
  callerOf(accessToken: string): Promise<Caller | null>;
}

export function createAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const audience = new URL('/api/v1', options.issuer).toString();
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
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/sign-in/${interaction.uid}` },
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
    pkce: { required: () => true },
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 365 * 24 * 3600,
    },
    cookies: { keys: options.cookieKeys },
    jwks: { keys: options.signingKeys ?? [processSigningKey()] },
  };
  const provider = new Provider(options.issuer, configuration);

  return {
    provider,
    async callerOf(accessToken) {
      const token = await provider.AccessToken.find(accessToken);
      if (!token?.accountId || token.isExpired || token.aud !== audience) return null;
      return callerOfUser(options.db, token.accountId, hashToken(accessToken).toString('base64url'));
    },
  };
}

function processSigningKey(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
}
