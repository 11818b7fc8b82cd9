/**
 * A Stripe Connect emulator: the pieces of connect.stripe.com and api.stripe.com that the
 * reference workspace uses, answering the `stripe` package as Stripe would. Authorization codes are
 * single-use and expire; reusing one revokes the tokens issued with it, as at Stripe.
 */
import { EXTENSION_REDIRECT_URI } from '../src/redirect-uri';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml, readBody, sendHtml, sendJson } from './http';

export interface EmulatedAccount {
  id: string;
  email: string;
  password: string;
  name: string;
  livemode: boolean;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  clientId?: string;
  secretKey?: string;
  codeTtlSeconds?: number;
  accounts?: EmulatedAccount[];
  now?: () => number;
  /** Signs the webhook events the emulator sends to the platform. */
  webhookSecret?: string;
  /** Benchmarks: approve at once for this account's email, without showing the sign-in page. */
  autoApprove?: string;
}

export const EMULATOR_CLIENT_ID = 'ca_WorkspaceConnectEmulator';
export const EMULATOR_SECRET_KEY = 'sk_test_workspace_connect_emulator';
export const EMULATOR_WEBHOOK_SECRET = 'whsec_workspace_connect_emulator';

/** Demo accounts; their credentials are shown on the emulator's sign-in page. */
export const DEFAULT_ACCOUNTS: EmulatedAccount[] = [
  {
    id: 'acct_1AcmeStoreTest00',
    email: 'owner@acme.test',
    password: 'stripe-demo',
    name: 'Acme Store',
    livemode: false,
  },
  {
    id: 'acct_1GlobexShopTest0',
    email: 'owner@globex.test',
    password: 'stripe-demo',
    name: 'Globex Shop',
    livemode: false,
  },
];

interface IssuedCode {
  accountId: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  accessToken: string | null;
}

export interface Deauthorization {
  stripeUserId: string;
  clientId: string;
  at: string;
}

export interface StripeEmulator {
  url: string;
  server: Server;
  /** What tests and demos may inspect: revocations the platform asked for. */
  deauthorizations: Deauthorization[];
  /** Every request the emulator received, with the credentials it carried (for leak checks). */
  requests: Array<{ method: string; path: string; authorization: string | null; query: string }>;
  /** Where `account.application.*` events go: the platform's webhook endpoint. */
  setWebhookUrl(url: string): void;
  /** Every access and refresh token it handed out (for checks that they are stored sealed). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

export async function startStripeEmulator(options: EmulatorOptions = {}): Promise<StripeEmulator> {
  const clientId = options.clientId ?? EMULATOR_CLIENT_ID;
  const secretKey = options.secretKey ?? EMULATOR_SECRET_KEY;
  const codeTtlMs = (options.codeTtlSeconds ?? 300) * 1000;
  const accounts = options.accounts ?? DEFAULT_ACCOUNTS;
  const now = options.now ?? Date.now;
  const codes = new Map<string, IssuedCode>();
  const activeTokens = new Map<string, string>(); // access token → account id
  const issuedSecrets: string[] = [];
  const deauthorizations: Deauthorization[] = [];
  const requests: StripeEmulator['requests'] = [];
  const webhookSecret = options.webhookSecret ?? EMULATOR_WEBHOOK_SECRET;
  const failingAccounts = new Set<string>();
  /** Set by tests: how the next sign-in redirects back (a Stripe error, or a forged state). */
  let nextRedirect: { error?: string; errorDescription?: string; state?: string } | null = null;
  /** Delays (ms) for the next code exchanges, one each. */
  const slowTokenExchanges: number[] = [];
  let webhookUrl: string | null = null;

  const isConnected = (accountId: string) => [...activeTokens.values()].includes(accountId);
  const revokeTokens = (accountId: string) => {
    for (const [accessToken, owner] of activeTokens) if (owner === accountId) activeTokens.delete(accessToken);
  };

  /** Sends a signed Stripe event to the platform, as Stripe's webhooks do. */
  async function sendEvent(type: string, accountId: string): Promise<number> {
    if (!webhookUrl) return 0;
    const payload = JSON.stringify({
      id: `evt_${token(16)}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(now() / 1000),
      type,
      account: accountId,
      livemode: false,
      pending_webhooks: 1,
      data: { object: { id: clientId, object: 'application', name: 'Workspace Connect emulator platform' } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      body: payload,
    });
    return response.status;
  }

  const authorized = (req: IncomingMessage) => req.headers.authorization === `Bearer ${secretKey}`;

  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description });

  /** Stripe shows a bad client_id or redirect_uri as a JSON page: there is nowhere safe to send the user. */
  function checkAuthorizeParams(params: URLSearchParams, res: ServerResponse): boolean {
    if (params.get('client_id') !== clientId) {
      oauthError(res, 400, 'invalid_client', `No such application: '${params.get('client_id') ?? ''}'`);
      return false;
    }
    const redirectUri = params.get('redirect_uri') ?? '';
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = `${req.method} ${url.pathname}`;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization ?? null, query: url.search });
    if (requests.length > 1000) requests.shift();

    if (route === 'GET /oauth/authorize') {
      if (!checkAuthorizeParams(url.searchParams, res)) return;
      const auto = options.autoApprove ? accounts.find((a) => a.email === options.autoApprove) : undefined;
      if (auto) {
        const code = `ac_${token(24)}`;
        const scope = url.searchParams.get('scope') ?? 'read_only';
        codes.set(code, { accountId: auto.id, scope, expiresAt: now() + codeTtlMs, used: false, accessToken: null });
        return redirectBack(res, url.searchParams, { code, scope });
      }
      return sendHtml(res, 200, authorizePage(url.searchParams, accounts, null));
    }

    if (route === 'POST /oauth/authorize') {
      const form = new URLSearchParams(await readBody(req));
      if (!checkAuthorizeParams(form, res)) return;
      if (form.get('decision') === 'deny') {
        return redirectBack(res, form, {
          error: 'access_denied',
          error_description: 'The user denied your request',
        });
      }
      const account = accounts.find(
        (a) => a.email === (form.get('email') ?? '').trim().toLowerCase() && a.password === form.get('password'),
      );
      if (!account) {
        return sendHtml(res, 200, authorizePage(form, accounts, 'Incorrect email or password.'));
      }
      if (nextRedirect) {
        const planned = nextRedirect;
        nextRedirect = null;
        if (planned.state !== undefined) form.set('state', planned.state);
        if (planned.error) {
          return redirectBack(res, form, {
            error: planned.error,
            error_description: planned.errorDescription ?? planned.error,
          });
        }
      }
      const code = `ac_${token(24)}`;
      const scope = form.get('scope') ?? 'read_only';
      codes.set(code, { accountId: account.id, scope, expiresAt: now() + codeTtlMs, used: false, accessToken: null });
      return redirectBack(res, form, { code, scope });
    }

    if (route === 'POST /oauth/token') {
      if (!authorized(req)) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
      if (slowTokenExchanges.length > 0) await new Promise((resolve) => setTimeout(resolve, slowTokenExchanges.shift()));
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'authorization_code') {
        return oauthError(res, 400, 'unsupported_grant_type', 'Only authorization_code is emulated');
      }
      const code = form.get('code') ?? '';
      const issued = codes.get(code);
      if (!issued || issued.expiresAt < now()) {
        return oauthError(res, 400, 'invalid_grant', `Authorization code does not exist: ${code}`);
      }
      if (issued.used) {
        // A reused code revokes what it granted.
        if (issued.accessToken) activeTokens.delete(issued.accessToken);
        return oauthError(res, 400, 'invalid_grant', `Authorization code already used: ${code}`);
      }
      issued.used = true;
      const account = accounts.find((a) => a.id === issued.accountId)!;
      const accessToken = `${account.livemode ? 'sk_live' : 'sk_test'}_${token(24)}`;
      issued.accessToken = accessToken;
      activeTokens.set(accessToken, account.id);
      const refreshToken = `rt_${token(24)}`;
      issuedSecrets.push(accessToken, refreshToken);
      return sendJson(res, 200, {
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: 'bearer',
        scope: issued.scope,
        livemode: account.livemode,
        stripe_user_id: account.id,
        stripe_publishable_key: `${account.livemode ? 'pk_live' : 'pk_test'}_${token(24)}`,
      });
    }

    if (route === 'POST /oauth/deauthorize') {
      if (!authorized(req)) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
      const form = new URLSearchParams(await readBody(req));
      const stripeUserId = form.get('stripe_user_id') ?? '';
      if (form.get('client_id') !== clientId || !accounts.some((a) => a.id === stripeUserId)) {
        return oauthError(res, 400, 'invalid_client', `No such account connected: ${stripeUserId}`);
      }
      revokeTokens(stripeUserId);
      deauthorizations.push({ stripeUserId, clientId, at: new Date(now()).toISOString() });
      return sendJson(res, 200, { stripe_user_id: stripeUserId });
    }

    const account = /^GET \/v1\/accounts\/(acct_\w+)$/.exec(route);
    if (account) {
      if (!authorized(req)) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
      const found = accounts.find((a) => a.id === account[1]);
      if (!found) {
        return sendJson(res, 404, {
          error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such account: '${account[1]}'` },
        });
      }
      return sendJson(res, 200, {
        id: found.id,
        object: 'account',
        email: found.email,
        business_profile: { name: found.name },
        settings: { dashboard: { display_name: found.name } },
        charges_enabled: true,
        country: 'US',
      });
    }

    if (route === 'GET /v1/balance') {
      if (!authorized(req)) return oauthError(res, 401, 'invalid_client', 'Invalid API key provided');
      const accountId = String(req.headers['stripe-account'] ?? '');
      if (failingAccounts.has(accountId)) {
        return sendJson(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
      }
      if (!isConnected(accountId)) {
        return sendJson(res, 403, {
          error: {
            type: 'invalid_request_error',
            code: 'account_invalid',
            message: `The provided key does not have access to account '${accountId}' (or that account does not exist).`,
          },
        });
      }
      return sendJson(res, 200, {
        object: 'balance',
        livemode: false,
        available: [{ amount: 125_00, currency: 'usd' }],
        pending: [{ amount: 0, currency: 'usd' }],
      });
    }

    if (route === 'GET /__emulator/deauthorizations') return sendJson(res, 200, { deauthorizations });
    if (route === 'POST /__emulator/slow-token') {
      // Stripe taking its time: the next code exchange answers only after `delayMs`.
      const { delayMs = 20_000 } = JSON.parse((await readBody(req)) || '{}') as { delayMs?: number };
      slowTokenExchanges.push(delayMs);
      return sendJson(res, 200, { delayMs });
    }
    if (route === 'POST /__emulator/next-redirect') {
      nextRedirect = JSON.parse((await readBody(req)) || '{}') as typeof nextRedirect;
      return sendJson(res, 200, { nextRedirect });
    }

    // Controls for tests and demos: the ways a real connection breaks.
    const control = /^POST \/__emulator\/accounts\/(acct_\w+)\/(disconnect|revoke-tokens|fail-api|restore-api)$/.exec(route);
    if (control) {
      const [, accountId, action] = control as unknown as [string, string, string];
      if (!accounts.some((a) => a.id === accountId)) return sendJson(res, 404, { error: 'no such account' });
      if (action === 'disconnect') {
        // The merchant disconnects the platform in their Stripe dashboard.
        revokeTokens(accountId);
        const delivered = await sendEvent('account.application.deauthorized', accountId);
        return sendJson(res, 200, { accountId, event: 'account.application.deauthorized', webhookStatus: delivered });
      }
      if (action === 'revoke-tokens') revokeTokens(accountId);
      if (action === 'fail-api') failingAccounts.add(accountId);
      if (action === 'restore-api') failingAccounts.delete(accountId);
      return sendJson(res, 200, { accountId, action });
    }

    sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${route})` } });
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
    requests,
    issuedTokens: () => [...issuedSecrets],
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

const token = (bytes: number) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');

function authorizePage(params: URLSearchParams, accounts: EmulatedAccount[], problem: string | null): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type', 'always_prompt', 'stripe_landing']
    .filter((name) => params.get(name) !== null)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
    .join('\n      ');
  const scope = params.get('scope') === 'read_write' ? 'read and write' : 'read-only';
  const demo = accounts
    .map((a) => `<li><code>${escapeHtml(a.email)}</code> / <code>${escapeHtml(a.password)}</code> — ${escapeHtml(a.name)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width">
  <title>Sign in with Stripe to Continue</title>
  <style>
    :root { color-scheme: light dark; font: 15px/1.5 system-ui, sans-serif; }
    body { max-width: 420px; margin: 40px auto; padding: 0 16px; }
    label { display: block; margin: 12px 0 4px; font-weight: 600; }
    input[type=email], input[type=password] { width: 100%; padding: 8px; box-sizing: border-box; }
    .actions { margin-top: 18px; display: flex; gap: 12px; }
    button { padding: 8px 14px; font: inherit; }
    .primary { background: #635bff; color: #fff; border: 0; border-radius: 6px; }
    .problem { color: #c0123c; }
    .emulator { margin-top: 28px; font-size: 13px; opacity: .8; }
  </style>
</head>
<body>
  <main>
    <h1>Sign in with Stripe to Continue</h1>
    <p>The analytics workspace would like ${scope} access to your Stripe account.</p>
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="/oauth/authorize">
      ${hidden}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <div class="actions">
        <button class="primary" type="submit" name="decision" value="allow">Sign in to your account</button>
        <button type="submit" name="decision" value="deny" formnovalidate>Deny access</button>
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
