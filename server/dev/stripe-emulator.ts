/**
 * A Stripe emulator: the pieces of marketplace.stripe.com, connect.stripe.com and api.stripe.com that
 * the reference workspace uses, answering the `stripe` package as Stripe would, in both provider
 * modes (see ../shared/STRIPE-APPS.md for the facts it follows).
 * - Stripe Apps: an install page per mode's link, `POST /v1/oauth/token` with both grants, access
 *   tokens that live an hour, refresh tokens that live a year and rotate on every use (a retired one
 *   is refused), one install per (account, mode): a new install retires the earlier one's tokens.
 * - Connect (legacy): `/oauth/authorize`, `/oauth/token`, `/oauth/deauthorize`.
 * Authorization codes are single-use and expire; reusing one revokes the tokens issued with it.
 * - The list endpoints a workspace syncs (`GET /v1/customers`, …), over seeded data per account
 *   (emulated-stripe-data.ts), with Stripe's pagination.
 * Tests move its clock forward, create and delete objects, and break connections and syncs the ways
 * real ones break (rate limits, missing permissions, tokens revoked mid-import, a slow Stripe).
 */
import { EXTENSION_REDIRECT_URI } from '../src/redirect-uri';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml, readBody, sendHtml, sendJson } from './http';
import {
  ACME_STORE_ROWS,
  createAccountData,
  DEMO_ACCOUNT_CREATED,
  EMULATED_API_VERSION,
  GLOBEX_SHOP_ROWS,
  isSyncedObject,
  READ_PERMISSIONS,
  SYNCED_OBJECTS,
  type AccountData,
  type StripeApiError,
  type SyncedObject,
} from './emulated-stripe-data';

export interface EmulatedAccount {
  id: string;
  email: string;
  password: string;
  name: string;
  /** Connect: the mode its grants are in (Stripe Apps takes the mode from the install link). Its objects' `livemode`. */
  livemode: boolean;
  /** When the account was created (unix seconds); its seeded objects are spread from then to the emulator's start. */
  created?: number;
  /** How many objects each list holds (none when absent). */
  data?: Partial<Record<SyncedObject, number>>;
}

type Mode = 'live' | 'test';
type Kind = 'connect' | 'app';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  clientId?: string;
  codeTtlSeconds?: number;
  accounts?: EmulatedAccount[];
  now?: () => number;
  /** Signs the webhook events the emulator sends to the platform. */
  webhookSecret?: string;
  /** Benchmarks: approve at once for this account's email, without showing the sign-in page. */
  autoApprove?: string;
  /** How long every list page waits before answering (per account: the `pace` control). Default 0. */
  listDelayMs?: number;
}

export const EMULATOR_CLIENT_ID = 'ca_WorkspaceConnectEmulator';
/** The platform's (or app developer's) secret key per mode. */
export const EMULATOR_SECRET_KEYS: Record<Mode, string> = {
  live: 'sk_live_workspace_connect_emulator',
  test: 'sk_test_workspace_connect_emulator',
};
export const EMULATOR_WEBHOOK_SECRET = 'whsec_workspace_connect_emulator';
/** The install links the Dashboard would issue for the emulated app, per mode (paths on the emulator). */
export const EMULATOR_INSTALL_PATHS: Record<Mode, string> = {
  live: '/oauth/v2/chnlink_1EmulatorLive/authorize',
  test: '/oauth/v2/chnlink_1EmulatorTest/authorize',
};
export const EMULATOR_APP_NAME = 'Workspace Connect';
const ACCESS_TOKEN_MS = 3600_000;
const REFRESH_TOKEN_MS = 365 * 24 * 3600_000;

/** Demo accounts; their credentials are shown on the emulator's sign-in page. */
export const DEFAULT_ACCOUNTS: EmulatedAccount[] = [
  {
    id: 'acct_1AcmeStoreTest00',
    email: 'owner@acme.test',
    password: 'stripe-demo',
    name: 'Acme Store',
    livemode: false,
    created: DEMO_ACCOUNT_CREATED,
    data: ACME_STORE_ROWS,
  },
  {
    id: 'acct_1GlobexShopTest0',
    email: 'owner@globex.test',
    password: 'stripe-demo',
    name: 'Globex Shop',
    livemode: false,
    created: DEMO_ACCOUNT_CREATED,
    data: GLOBEX_SHOP_ROWS,
  },
];

interface IssuedCode {
  kind: Kind;
  mode: Mode;
  accountId: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  accessToken: string | null;
}

interface IssuedToken {
  kind: Kind;
  mode: Mode;
  accountId: string;
  /** Null: a Connect token, which does not expire. */
  expiresAt: number | null;
}

export interface Deauthorization {
  stripeUserId: string;
  clientId: string;
  at: string;
}

/** One call to a token endpoint, as tests count them. */
export interface TokenGrant {
  kind: Kind;
  grantType: string;
  accountId: string | null;
  outcome: 'issued' | 'invalid_grant' | 'failed';
  at: string;
}

export interface StripeEmulator {
  url: string;
  server: Server;
  /** What tests and demos may inspect: revocations the platform asked for. */
  deauthorizations: Deauthorization[];
  /** Every call to a token endpoint (code exchanges and refreshes), oldest first. */
  grants: TokenGrant[];
  /**
   * Every request the emulator received: the credentials it carried (for leak checks), when (its
   * clock, ISO) and its answer's status (null until sent).
   */
  requests: Array<{ method: string; path: string; authorization: string | null; query: string; at: string; status: number | null }>;
  /** Where `account.application.*` events go: the platform's webhook endpoint. */
  setWebhookUrl(url: string): void;
  /** Every access and refresh token it handed out (for checks that they are stored sealed). */
  issuedTokens(): string[];
  /** Moves the emulator's clock forward (tokens and codes age with it). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export async function startStripeEmulator(options: EmulatorOptions = {}): Promise<StripeEmulator> {
  const clientId = options.clientId ?? EMULATOR_CLIENT_ID;
  const codeTtlMs = (options.codeTtlSeconds ?? 300) * 1000;
  const accounts = options.accounts ?? DEFAULT_ACCOUNTS;
  let clockOffset = 0;
  const now = () => (options.now ?? Date.now)() + clockOffset;
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  const issuedSecrets: string[] = [];
  /** Every access token's account, retired ones included: an outage answers before the key is checked. */
  const tokenOwners = new Map<string, string>();
  const deauthorizations: Deauthorization[] = [];
  const grants: TokenGrant[] = [];
  const requests: StripeEmulator['requests'] = [];
  const webhookSecret = options.webhookSecret ?? EMULATOR_WEBHOOK_SECRET;
  const failingAccounts = new Set<string>();
  const failingRefreshes = new Set<string>();
  /** Set by tests: how the next sign-in redirects back (a Stripe error, or a forged state). */
  let nextRedirect: { error?: string; errorDescription?: string; state?: string } | null = null;
  /** Delays (ms) for the next token requests, one each. */
  const slowTokenRequests: number[] = [];
  let webhookUrl: string | null = null;
  // The lists' data, made when an account is first listed, from the emulator's start (stable while it runs).
  const startedAt = Math.floor(now() / 1000);
  const accountData = new Map<string, AccountData>();
  const dataOf = (account: EmulatedAccount) => {
    let data = accountData.get(account.id);
    if (!data) accountData.set(account.id, (data = createAccountData(account, startedAt)));
    return data;
  };
  // Faults of the list endpoints, per account (controls below).
  const rateLimitedRequests = new Map<string, number>();
  const deniedObjects = new Map<string, Set<SyncedObject>>();
  const pagesBeforeRevoking = new Map<string, number>();
  const listDelays = new Map<string, number>();

  const modeOfKey = (key: string): Mode | null =>
    key === EMULATOR_SECRET_KEYS.live ? 'live' : key === EMULATOR_SECRET_KEYS.test ? 'test' : null;
  /** The bearer (or HTTP Basic user, as Stripe documents for the token endpoint) of a request. */
  const credentialOf = (req: IncomingMessage): string => {
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) return header.slice(7);
    if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
    return '';
  };
  const liveAccess = (token: string): IssuedToken | null => {
    const issued = accessTokens.get(token);
    return issued && (issued.expiresAt === null || issued.expiresAt > now()) ? issued : null;
  };
  const isConnected = (accountId: string) => [...accessTokens.values()].some((t) => t.kind === 'connect' && t.accountId === accountId);
  /** Retires tokens of an account: all of them, or one kind and mode's (a new Stripe Apps install). */
  const retireTokens = (accountId: string, only?: { kind: Kind; mode: Mode }) => {
    for (const store of [accessTokens, refreshTokens]) {
      for (const [secret, issued] of store) {
        if (issued.accountId !== accountId) continue;
        if (only && (issued.kind !== only.kind || issued.mode !== only.mode)) continue;
        store.delete(secret);
      }
    }
  };
  const installsOf = (accountId: string) =>
    new Set(
      [...accessTokens.values(), ...refreshTokens.values()].filter((t) => t.accountId === accountId).map((t) => `${t.kind}:${t.mode}`),
    );

  /** Sends a signed Stripe event to the platform, as Stripe's webhooks do. */
  async function sendEvent(type: string, accountId: string, livemode: boolean): Promise<number> {
    if (!webhookUrl) return 0;
    const payload = JSON.stringify({
      id: `evt_${token(16)}`,
      object: 'event',
      api_version: EMULATED_API_VERSION,
      created: Math.floor(now() / 1000),
      type,
      account: accountId,
      livemode,
      pending_webhooks: 1,
      data: { object: { id: clientId, object: 'application', name: EMULATOR_APP_NAME } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      body: payload,
    });
    return response.status;
  }

  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description });
  const apiError = (res: ServerResponse, status: number, type: string, code: string | null, message: string) =>
    sendJson(res, status, { error: { type, ...(code ? { code } : {}), message } });
  const sendApiError = (res: ServerResponse, { status, ...error }: StripeApiError) => sendJson(res, status, { error });

  /** Stripe shows a bad client_id or redirect_uri as a page of its own: there is nowhere safe to send the user. */
  function checkAuthorizeParams(kind: Kind, params: URLSearchParams, res: ServerResponse): boolean {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (kind === 'app') {
      if (params.get('client_id') !== clientId || !EXTENSION_REDIRECT_URI.test(redirectUri)) {
        sendHtml(res, 400, invalidLinkPage());
        return false;
      }
      return true;
    }
    if (params.get('client_id') !== clientId) {
      oauthError(res, 400, 'invalid_client', `No such application: '${params.get('client_id') ?? ''}'`);
      return false;
    }
    if (!EXTENSION_REDIRECT_URI.test(redirectUri)) {
      oauthError(
        res,
        400,
        'invalid_redirect_uri',
        `Invalid redirect URI '${redirectUri}'. Ensure this uri exactly matches one of the uris specified in your application settings`,
      );
      return false;
    }
    if (params.get('response_type') !== 'code') {
      oauthError(res, 400, 'unsupported_response_type', 'response_type must be code');
      return false;
    }
    return true;
  }

  function redirectBack(res: ServerResponse, params: URLSearchParams, answer: Record<string, string>) {
    const target = new URL(params.get('redirect_uri')!);
    for (const [key, value] of Object.entries(answer)) target.searchParams.set(key, value);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
    res.end();
  }

  /** A code for the account, and the redirect that carries it (Connect also echoes the scope). */
  function grantCode(res: ServerResponse, params: URLSearchParams, where: AuthorizePage, account: EmulatedAccount) {
    const code = `ac_${token(24)}`;
    const scope = where.kind === 'app' ? 'stripe_apps' : (params.get('scope') ?? 'read_only');
    const mode = where.kind === 'app' ? where.mode : account.livemode ? 'live' : 'test';
    codes.set(code, { kind: where.kind, mode, accountId: account.id, scope, expiresAt: now() + codeTtlMs, used: false, accessToken: null });
    return redirectBack(res, params, where.kind === 'app' ? { code } : { code, scope });
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL, where: AuthorizePage): Promise<void> {
    if (req.method === 'GET') {
      if (!checkAuthorizeParams(where.kind, url.searchParams, res)) return;
      const auto = options.autoApprove ? accounts.find((a) => a.email === options.autoApprove) : undefined;
      if (auto) return grantCode(res, url.searchParams, where, auto);
      return sendHtml(res, 200, authorizePage(where, url.pathname, url.searchParams, accounts, null));
    }
    const form = new URLSearchParams(await readBody(req));
    if (!checkAuthorizeParams(where.kind, form, res)) return;
    if (form.get('decision') === 'deny') {
      return redirectBack(res, form, { error: 'access_denied', error_description: 'The user denied your request' });
    }
    const account = accounts.find((a) => a.email === (form.get('email') ?? '').trim().toLowerCase() && a.password === form.get('password'));
    if (!account) return sendHtml(res, 200, authorizePage(where, url.pathname, form, accounts, 'Incorrect email or password.'));
    if (nextRedirect) {
      const planned = nextRedirect;
      nextRedirect = null;
      if (planned.state !== undefined) form.set('state', planned.state);
      if (planned.error) {
        return redirectBack(res, form, { error: planned.error, error_description: planned.errorDescription ?? planned.error });
      }
    }
    return grantCode(res, form, where, account);
  }

  /** Issues an access token (and a refresh token) for a grant. */
  function issueTokens(kind: Kind, mode: Mode, accountId: string) {
    const account = accounts.find((a) => a.id === accountId)!;
    const livemode = kind === 'app' ? mode === 'live' : account.livemode;
    const prefix = livemode ? 'live' : 'test';
    // Stripe Apps access tokens are restricted keys; Connect's are secret keys of the account.
    const accessToken = `${kind === 'app' ? 'rk' : 'sk'}_${prefix}_${token(24)}`;
    const refreshToken = `rt_${token(24)}`;
    accessTokens.set(accessToken, { kind, mode, accountId, expiresAt: kind === 'app' ? now() + ACCESS_TOKEN_MS : null });
    tokenOwners.set(accessToken, accountId);
    refreshTokens.set(refreshToken, { kind, mode, accountId, expiresAt: kind === 'app' ? now() + REFRESH_TOKEN_MS : null });
    issuedSecrets.push(accessToken, refreshToken);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'bearer',
      scope: kind === 'app' ? 'stripe_apps' : 'read_only',
      livemode,
      stripe_user_id: accountId,
      stripe_publishable_key: `pk_${prefix}_${token(24)}`,
    };
  }

  /** `POST /oauth/token` (Connect) and `POST /v1/oauth/token` (Stripe Apps). */
  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, kind: Kind): Promise<void> {
    const keyMode = modeOfKey(credentialOf(req));
    if (!keyMode) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
    if (slowTokenRequests.length > 0) await new Promise((resolve) => setTimeout(resolve, slowTokenRequests.shift()));
    const form = new URLSearchParams(await readBody(req));
    const grantType = form.get('grant_type') ?? '';
    const log = (accountId: string | null, outcome: TokenGrant['outcome']) =>
      grants.push({ kind, grantType, accountId, outcome, at: new Date(now()).toISOString() });

    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const issued = codes.get(code);
      // A code from the other endpoint, or the other mode's key: "does not belong to you", as at Stripe.
      if (!issued || issued.expiresAt < now() || issued.kind !== kind || (kind === 'app' && issued.mode !== keyMode)) {
        log(issued?.accountId ?? null, 'invalid_grant');
        const why =
          issued && issued.expiresAt >= now() ? 'Authorization code provided does not belong to you' : 'Authorization code does not exist';
        return oauthError(res, 400, 'invalid_grant', `${why}: ${code}`);
      }
      if (issued.used) {
        // A reused code revokes what it granted.
        if (issued.accessToken) accessTokens.delete(issued.accessToken);
        log(issued.accountId, 'invalid_grant');
        return oauthError(res, 400, 'invalid_grant', `Authorization code already used: ${code}`);
      }
      issued.used = true;
      // One install per (account, app) and mode: this one retires the earlier one's tokens.
      if (kind === 'app') retireTokens(issued.accountId, { kind, mode: issued.mode });
      const answer = issueTokens(kind, issued.mode, issued.accountId);
      issued.accessToken = answer.access_token;
      log(issued.accountId, 'issued');
      return sendJson(res, 200, answer);
    }

    if (grantType === 'refresh_token' && kind === 'app') {
      const refreshToken = form.get('refresh_token') ?? '';
      const issued = refreshTokens.get(refreshToken);
      if (issued && failingRefreshes.has(issued.accountId)) {
        log(issued.accountId, 'failed');
        return apiError(res, 500, 'api_error', null, 'An unknown error occurred');
      }
      // Rotated away (it works once), revoked, uninstalled or past its year.
      if (!issued || issued.mode !== keyMode || (issued.expiresAt !== null && issued.expiresAt <= now())) {
        log(issued?.accountId ?? null, 'invalid_grant');
        return oauthError(res, 400, 'invalid_grant', `Invalid refresh token: ${refreshToken.slice(0, 8)}…`);
      }
      refreshTokens.delete(refreshToken);
      log(issued.accountId, 'issued');
      return sendJson(res, 200, issueTokens(kind, issued.mode, issued.accountId));
    }
    return oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }

  /** Who an API call acts for: a Stripe Apps access token, or the platform's key (with Stripe-Account). */
  function apiCaller(req: IncomingMessage, res: ServerResponse): { app: IssuedToken } | { platform: Mode } | null {
    const credential = credentialOf(req);
    const platform = modeOfKey(credential);
    if (platform) return { platform };
    const issued = accessTokens.get(credential);
    if (issued && issued.expiresAt !== null && issued.expiresAt <= now()) {
      apiError(res, 401, 'invalid_request_error', 'platform_api_key_expired', `Expired API Key provided: ${credential.slice(0, 12)}…`);
      return null;
    }
    const live = liveAccess(credential);
    if (live?.kind === 'app') return { app: live };
    apiError(res, 401, 'invalid_request_error', 'api_key_invalid', `Invalid API Key provided: ${credential.slice(0, 12)}…`);
    return null;
  }

  /**
   * The account an API call acts for: a Stripe Apps token's own, or the one in `Stripe-Account` with
   * the platform's key (Connect). Null when it was answered instead: Stripe down for that account
   * (whatever the key, before it is checked), a bad or expired key, or an account not connected.
   */
  function actingAccount(req: IncomingMessage, res: ServerResponse): EmulatedAccount | null {
    const target = tokenOwners.get(credentialOf(req)) ?? String(req.headers['stripe-account'] ?? '');
    if (failingAccounts.has(target)) {
      apiError(res, 500, 'api_error', null, 'An unknown error occurred');
      return null;
    }
    const caller = apiCaller(req, res);
    if (!caller) return null;
    const accountId = 'app' in caller ? caller.app.accountId : target;
    const account = accounts.find((a) => a.id === accountId);
    if (!account || ('platform' in caller && !isConnected(accountId))) {
      apiError(
        res,
        403,
        'invalid_request_error',
        'account_invalid',
        `The provided key does not have access to account '${accountId}' (or that account does not exist).`,
      );
      return null;
    }
    return account;
  }

  /** `GET /v1/<object>`: one page of the acting account's list, after the faults tests set for it. */
  async function listObjects(req: IncomingMessage, res: ServerResponse, object: SyncedObject, params: URLSearchParams): Promise<void> {
    const account = actingAccount(req, res);
    if (!account) return;
    const limited = rateLimitedRequests.get(account.id) ?? 0;
    if (limited > 0) {
      rateLimitedRequests.set(account.id, limited - 1);
      // No Stripe-Should-Retry header: stripe-node then surfaces it (StripeRateLimitError) instead of retrying.
      return apiError(
        res,
        429,
        'invalid_request_error',
        'rate_limit',
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      );
    }
    if (deniedObjects.get(account.id)?.has(object)) {
      return apiError(
        res,
        403,
        'invalid_request_error',
        'more_permissions_required_for_application',
        `The provided key '${credentialOf(req).slice(0, 12)}…' does not have the required permissions for this endpoint on account '${account.id}'. Having the '${READ_PERMISSIONS[object]}' permission would allow this request to continue.`,
      );
    }
    const delayMs = listDelays.get(account.id) ?? options.listDelayMs ?? 0;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const page = dataOf(account).list(object, params);
    if ('error' in page) return sendApiError(res, page.error);
    sendJson(res, 200, page.list, { 'Request-Id': `req_${token(10)}` });
    // Revoked in the middle of an import: the page after the last allowed one meets retired tokens.
    const pagesLeft = pagesBeforeRevoking.get(account.id);
    if (pagesLeft === undefined) return;
    if (pagesLeft > 1) {
      pagesBeforeRevoking.set(account.id, pagesLeft - 1);
    } else {
      pagesBeforeRevoking.delete(account.id);
      retireTokens(account.id);
    }
  }

  /** Controls of an account's lists (bodies are JSON); null when `action` is none of them. */
  function listControl(account: EmulatedAccount, action: string, body: Record<string, unknown>): [status: number, answer: unknown] | null {
    const accountId = account.id;
    const object = isSyncedObject(body.object) ? body.object : null;
    const noObject: [number, unknown] = [400, { error: `object must be one of ${SYNCED_OBJECTS.join(', ')}` }];
    const whole = (value: unknown, least: number): value is number =>
      typeof value === 'number' && Number.isInteger(value) && value >= least;
    const seconds = Math.floor(now() / 1000);
    switch (action) {
      case 'create': {
        if (!object) return noObject;
        const made = dataOf(account).create(object, body.count === undefined ? 1 : Number(body.count), seconds);
        if ('error' in made) return [made.error.status, { error: made.error.message }];
        return [200, { accountId, action, object, ids: made.objects.map((o) => o.id), eventIds: made.events.map((e) => e.id) }];
      }
      case 'delete': {
        if (!object) return noObject;
        const gone = dataOf(account).remove(object, typeof body.id === 'string' ? body.id : '', seconds);
        if ('error' in gone) return [gone.error.status, { error: gone.error.message }];
        return [200, { accountId, action, object, ids: [gone.object.id], eventIds: [gone.event.id] }];
      }
      case 'rate-limit': {
        const { count = 1 } = body;
        if (!whole(count, 0)) return [400, { error: 'count must be a whole number' }];
        rateLimitedRequests.set(accountId, count);
        return [200, { accountId, action, count }];
      }
      case 'deny':
      case 'allow': {
        if (!object) return noObject;
        const denied = deniedObjects.get(accountId) ?? new Set<SyncedObject>();
        if (action === 'deny') denied.add(object);
        else denied.delete(object);
        deniedObjects.set(accountId, denied);
        return [200, { accountId, action, object, denied: [...denied] }];
      }
      case 'revoke-after': {
        const { pages } = body;
        if (!whole(pages, 1)) return [400, { error: 'pages must be a whole number from 1' }];
        pagesBeforeRevoking.set(accountId, pages);
        return [200, { accountId, action, pages }];
      }
      case 'pace': {
        const { delayMs } = body;
        if (!whole(delayMs, 0)) return [400, { error: 'delayMs must be a whole number of milliseconds' }];
        listDelays.set(accountId, delayMs);
        return [200, { accountId, action, delayMs }];
      }
    }
    return null;
  }

  const accountObject = (found: EmulatedAccount) => ({
    id: found.id,
    object: 'account',
    created: found.created ?? DEMO_ACCOUNT_CREATED,
    email: found.email,
    business_profile: { name: found.name },
    settings: { dashboard: { display_name: found.name } },
    charges_enabled: true,
    country: 'US',
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = `${req.method} ${url.pathname}`;
    const entry: StripeEmulator['requests'][number] = {
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization ?? null,
      query: url.search,
      at: new Date(now()).toISOString(),
      status: null,
    };
    requests.push(entry);
    if (requests.length > 1000) requests.shift();
    res.on('finish', () => {
      entry.status = res.statusCode;
    });

    if (route === 'GET /oauth/authorize' || route === 'POST /oauth/authorize') {
      return authorize(req, res, url, { kind: 'connect' });
    }
    const install = /^\/oauth\/v2\/(?:(chnlink_\w+)\/)?authorize$/.exec(url.pathname);
    if (install && (req.method === 'GET' || req.method === 'POST')) {
      // A link's channel says its mode; the bare endpoint is live.
      return authorize(req, res, url, { kind: 'app', mode: install[1]?.endsWith('Test') ? 'test' : 'live' });
    }
    if (route === 'POST /oauth/token') return tokenEndpoint(req, res, 'connect');
    if (route === 'POST /v1/oauth/token') return tokenEndpoint(req, res, 'app');

    if (route === 'POST /oauth/deauthorize') {
      if (!modeOfKey(credentialOf(req))) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
      const form = new URLSearchParams(await readBody(req));
      const stripeUserId = form.get('stripe_user_id') ?? '';
      if (form.get('client_id') !== clientId || !accounts.some((a) => a.id === stripeUserId)) {
        return oauthError(res, 400, 'invalid_client', `No such account connected: ${stripeUserId}`);
      }
      retireTokens(stripeUserId, { kind: 'connect', mode: 'live' });
      retireTokens(stripeUserId, { kind: 'connect', mode: 'test' });
      deauthorizations.push({ stripeUserId, clientId, at: new Date(now()).toISOString() });
      return sendJson(res, 200, { stripe_user_id: stripeUserId });
    }

    if (route === 'GET /v1/account') {
      const caller = apiCaller(req, res);
      if (!caller) return;
      if ('app' in caller) {
        if (failingAccounts.has(caller.app.accountId)) return apiError(res, 500, 'api_error', null, 'An unknown error occurred');
        return sendJson(res, 200, accountObject(accounts.find((a) => a.id === caller.app.accountId)!));
      }
      return sendJson(res, 200, { id: 'acct_1EmulatorPlatform0', object: 'account', business_profile: { name: 'Emulator platform' } });
    }

    const account = /^GET \/v1\/accounts\/(acct_\w+)$/.exec(route);
    if (account) {
      const caller = apiCaller(req, res);
      if (!caller) return;
      if ('app' in caller) {
        // Stripe Apps OAuth tokens may not read accounts by id (stripe-apps issue 1027).
        return apiError(
          res,
          403,
          'invalid_request_error',
          'more_permissions_required_for_application',
          'This application does not have the required permissions for this endpoint on account.',
        );
      }
      const found = accounts.find((a) => a.id === account[1]);
      if (!found) return apiError(res, 404, 'invalid_request_error', 'resource_missing', `No such account: '${account[1]}'`);
      return sendJson(res, 200, accountObject(found));
    }

    if (route === 'GET /v1/balance') {
      if (!actingAccount(req, res)) return;
      return sendJson(res, 200, {
        object: 'balance',
        livemode: false,
        available: [{ amount: 125_00, currency: 'usd' }],
        pending: [{ amount: 0, currency: 'usd' }],
      });
    }

    const listed = SYNCED_OBJECTS.find((object) => route === `GET /v1/${object}`);
    if (listed) return listObjects(req, res, listed, url.searchParams);

    if (route === 'GET /__emulator/deauthorizations') return sendJson(res, 200, { deauthorizations });
    if (route === 'GET /__emulator/grants') return sendJson(res, 200, { grants });
    if (route === 'POST /__emulator/clock') {
      const { advanceSeconds = 0 } = JSON.parse((await readBody(req)) || '{}') as { advanceSeconds?: number };
      clockOffset += advanceSeconds * 1000;
      return sendJson(res, 200, { now: new Date(now()).toISOString() });
    }
    if (route === 'POST /__emulator/slow-token') {
      // Stripe taking its time: the next token request answers only after `delayMs`.
      const { delayMs = 20_000 } = JSON.parse((await readBody(req)) || '{}') as { delayMs?: number };
      slowTokenRequests.push(delayMs);
      return sendJson(res, 200, { delayMs });
    }
    if (route === 'POST /__emulator/next-redirect') {
      nextRedirect = JSON.parse((await readBody(req)) || '{}') as typeof nextRedirect;
      return sendJson(res, 200, { nextRedirect });
    }

    // Controls for tests and demos: the ways a real connection breaks.
    const control = /^POST \/__emulator\/accounts\/(acct_\w+)\/([\w-]+)$/.exec(route);
    if (control) {
      const [, accountId, action] = control as unknown as [string, string, string];
      const found = accounts.find((a) => a.id === accountId);
      if (!found) return sendJson(res, 404, { error: 'no such account' });
      if (action === 'disconnect') {
        // The merchant uninstalls the app (or disconnects the platform) in their Stripe Dashboard:
        // one event per mode it was installed in.
        const installs = installsOf(accountId);
        retireTokens(accountId);
        const modes = new Set([...installs].map((install) => install.split(':')[1] === 'live'));
        if (modes.size === 0) modes.add(found.livemode);
        const statuses = [];
        for (const livemode of modes) statuses.push(await sendEvent('account.application.deauthorized', accountId, livemode));
        return sendJson(res, 200, {
          accountId,
          event: 'account.application.deauthorized',
          webhookStatus: statuses[0],
          webhookStatuses: statuses,
        });
      }
      const actions: Record<string, () => void> = {
        // The tokens stop working, refresh tokens included.
        'revoke-tokens': () => retireTokens(accountId),
        'fail-api': () => failingAccounts.add(accountId),
        'restore-api': () => failingAccounts.delete(accountId),
        // Stripe's token endpoint failing for this account's refreshes (a transient outage).
        'fail-refresh': () => failingRefreshes.add(accountId),
        'restore-refresh': () => failingRefreshes.delete(accountId),
      };
      const act = actions[action];
      if (!act) {
        // The lists' controls take a JSON body.
        const body = await readJsonObject(req);
        const answer = body && listControl(found, action, body);
        if (answer) return sendJson(res, answer[0], answer[1]);
        return body
          ? sendJson(res, 404, { error: `no such control: ${action}` })
          : sendJson(res, 400, { error: 'the body must be a JSON object' });
      }
      act();
      return sendJson(res, 200, { accountId, action });
    }

    apiError(res, 404, 'invalid_request_error', null, `Unrecognized request URL (${route})`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { type: 'api_error', message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    deauthorizations,
    grants,
    requests,
    issuedTokens: () => [...issuedSecrets],
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type AuthorizePage = { kind: 'connect' } | { kind: 'app'; mode: Mode };

const token = (bytes: number) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

/** A control's JSON body (none: `{}`); null when it is not a JSON object. */
async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = JSON.parse((await readBody(req)) || '{}');
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What the emulated app's manifest asks for: read access to the objects a workspace syncs. */
const APP_PERMISSIONS = ['Customers', 'Charges', 'Invoices', 'Subscriptions', 'Coupons', 'Products', 'Prices and plans', 'Events'];

const PAGE_STYLE = `
    :root { color-scheme: light dark; font: 15px/1.5 system-ui, sans-serif; }
    body { max-width: 440px; margin: 40px auto; padding: 0 16px; }
    label { display: block; margin: 12px 0 4px; font-weight: 600; }
    input[type=email], input[type=password] { width: 100%; padding: 8px; box-sizing: border-box; }
    .actions { margin-top: 18px; display: flex; gap: 12px; }
    button { padding: 8px 14px; font: inherit; }
    .primary { background: #635bff; color: #fff; border: 0; border-radius: 6px; }
    .problem { color: #c0123c; }
    .test-mode { background: #ffe9c7; color: #5c3b00; padding: 6px 10px; border-radius: 6px; }
    table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; }
    th, td { text-align: left; padding: 4px 0; border-bottom: 1px solid #8884; }
    .emulator { margin-top: 28px; font-size: 13px; opacity: .8; }`;

function invalidLinkPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Stripe</title><style>${PAGE_STYLE}</style></head>
<body><main><h1>Something went wrong</h1><p>The provided OAuth link is invalid.</p></main></body>
</html>`;
}

function authorizePage(
  where: AuthorizePage,
  path: string,
  params: URLSearchParams,
  accounts: EmulatedAccount[],
  problem: string | null,
): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type', 'always_prompt', 'stripe_landing']
    .filter((name) => params.get(name) !== null)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
    .join('\n      ');
  const demo = accounts
    .map((a) => `<li><code>${escapeHtml(a.email)}</code> / <code>${escapeHtml(a.password)}</code> — ${escapeHtml(a.name)}</li>`)
    .join('');
  const app = where.kind === 'app';
  const title = app ? `Install ${EMULATOR_APP_NAME}` : 'Sign in with Stripe to Continue';
  const intro = app
    ? `${where.mode === 'test' ? '<p class="test-mode" role="note">Test mode: the app is installed in your account’s test data.</p>' : ''}
    <p>${EMULATOR_APP_NAME} is asking for these permissions on your Stripe account:</p>
    <table>
      <thead><tr><th scope="col">Data</th><th scope="col">Access</th></tr></thead>
      <tbody>${APP_PERMISSIONS.map((name) => `<tr><td>${name}</td><td>Read only</td></tr>`).join('')}</tbody>
    </table>
    <p>Sign in to choose the account to install it on.</p>`
    : `<p>The analytics workspace would like ${params.get('scope') === 'read_write' ? 'read and write' : 'read-only'} access to your Stripe account.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width">
  <title>${title}</title>
  <style>${PAGE_STYLE}
  </style>
</head>
<body>
  <main>
    <h1>${title}</h1>
    ${intro}
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="${escapeHtml(path)}">
      ${hidden}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <div class="actions">
        <button class="primary" type="submit" name="decision" value="allow">${app ? 'Install' : 'Sign in to your account'}</button>
        <button type="submit" name="decision" value="deny" formnovalidate>${app ? 'Cancel' : 'Deny access'}</button>
      </div>
    </form>
    <section class="emulator">
      <p>This is the Workspace Connect Stripe emulator. Demo accounts:</p>
      <ul>${demo}</ul>
    </section>
  </main>
</body>
</html>`;
}
