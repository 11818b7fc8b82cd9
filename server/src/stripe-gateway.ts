/**
 * The workspace's side of Stripe, through the official `stripe` package, in either provider mode:
 * Stripe Apps OAuth 2.0 (the default; tokens that expire and rotate) or Connect OAuth (legacy,
 * `read_only`, deprecated by Stripe). The same calls go to the emulator or to real Stripe, depending
 * only on where the clients point.
 */
import { err, ok, type Result } from '../../src/shared/result';
import Stripe from 'stripe';

export type StripeProvider = 'stripe-app' | 'connect';
export type StripeMode = 'live' | 'test';
export const STRIPE_MODES: readonly StripeMode[] = ['live', 'test'];

/** One mode's keys: Stripe issues separate keys, client ids and install links for live and test. */
export interface StripeModeKeys {
  secretKey: string;
  clientId: string;
  /**
   * Where the admin is sent. Stripe Apps: the mode's install link
   * (`https://marketplace.stripe.com/oauth/v2/[chnlink_…/]authorize`); Connect:
   * `https://connect.stripe.com/oauth/authorize`. Defaults to those.
   */
  authorizeUrl?: string | undefined;
}

export interface StripeConfig {
  provider: StripeProvider;
  /** The modes this workspace offers: the Connect card offers live, and test where it has keys. */
  modes: Partial<Record<StripeMode, StripeModeKeys>>;
  /** The emulator's base URL; absent for real Stripe. */
  emulatorUrl?: string | undefined;
  /** Verifies `Stripe-Signature` on webhook events; without it webhooks are refused. */
  webhookSecret?: string | undefined;
}

export interface StripeCredentials {
  stripeUserId: string;
  accessToken: string;
}

export interface StripeGrant extends StripeCredentials {
  refreshToken: string | null;
  livemode: boolean;
}

/** `invalid_grant`: Stripe will never accept that code or refresh token; anything else may pass. */
export type TokenFailure = { kind: 'invalid_grant'; message: string } | { kind: 'stripe'; message: string };

export interface SyncFailure {
  /** `access_lost`: revoked or refused for good; `token_expired`: the access token needs a refresh. */
  kind: 'access_lost' | 'token_expired' | 'error';
  message: string;
}
/** The project's one result shape (src/shared/result.ts). */
export type SyncOutcome = Result<null, SyncFailure>;

export interface StripeEvent {
  type: string;
  account: string | null;
  livemode: boolean;
}

export interface StripeGateway {
  provider: StripeProvider;
  /** The modes offered, live first. */
  modes: StripeMode[];
  /**
   * How long an access token lives. Stripe Apps answers no `expires_in` and documents one hour;
   * null: Connect tokens do not expire.
   */
  accessTokenLifetimeMs: number | null;
  /** Where the admin's browser is sent to authorize. */
  authorizeUrl(mode: StripeMode, request: { redirectUri: string; state: string; reauthenticate: boolean }): string;
  exchangeCode(mode: StripeMode, code: string): Promise<Result<StripeGrant, TokenFailure>>;
  /** Stripe Apps: new tokens for a refresh token, which Stripe then retires (it rotates on every use). */
  refresh(mode: StripeMode, refreshToken: string): Promise<Result<StripeGrant, TokenFailure>>;
  /** The account's display name as the credentials may read it; null when Stripe does not let them. */
  accountName(mode: StripeMode, credentials: StripeCredentials): Promise<string | null>;
  /** Hands a grant back (Connect's deauthorize); Stripe Apps has no documented call, so it keeps it. */
  giveBack(mode: StripeMode, stripeUserId: string): Promise<void>;
  /** One sync step: read the connected account's balance. */
  sync(mode: StripeMode, credentials: StripeCredentials): Promise<SyncOutcome>;
  /** A verified webhook event, or null when the signature does not check out. */
  verifyEvent(payload: string, signature: string): StripeEvent | null;
}

export const STRIPE_APPS_AUTHORIZE_URL = 'https://marketplace.stripe.com/oauth/v2/authorize';
export const STRIPE_CONNECT_AUTHORIZE_URL = 'https://connect.stripe.com/oauth/authorize';
const STRIPE_APPS_ACCESS_TOKEN_MS = 3600_000;

export function createStripeGateway(config: StripeConfig): StripeGateway {
  const emulator = config.emulatorUrl ? new URL(config.emulatorUrl) : null;
  const modes = STRIPE_MODES.filter((mode) => config.modes[mode]);
  if (modes.length === 0) throw new Error('Stripe needs the keys of at least one mode (live or test).');
  const apps = config.provider === 'stripe-app';

  const clients = new Map<StripeMode, Stripe>();
  const keysOf = (mode: StripeMode): StripeModeKeys => {
    const keys = config.modes[mode];
    if (!keys) throw new Error(`This workspace does not offer Stripe ${mode} mode.`);
    return keys;
  };
  const clientOf = (mode: StripeMode): Stripe => {
    let client = clients.get(mode);
    if (!client) {
      client = new Stripe(keysOf(mode).secretKey, {
        maxNetworkRetries: 1,
        // Long enough for a slow Stripe: the extension gives up on an answer sooner (15 s) and retries
        // with the same Idempotency-Key, which this workspace answers 409 until the first is done.
        timeout: 30_000,
        ...(emulator
          ? {
              host: emulator.hostname,
              port: Number(emulator.port),
              protocol: emulator.protocol.replace(':', '') as 'http' | 'https',
            }
          : {}),
      });
      clients.set(mode, client);
    }
    return client;
  };

  /**
   * Stripe Apps tokens come from `POST /v1/oauth/token` on the API host: `stripe.oauth.token()` always
   * calls connect.stripe.com, where an Apps code "does not belong to you". Never retried: a code or
   * refresh token sent twice is refused, and may take the first answer's tokens with it.
   */
  async function oauthToken(mode: StripeMode, params: Record<string, string>): Promise<Result<StripeGrant, TokenFailure>> {
    try {
      const answer = apps
        ? ((await clientOf(mode).rawRequest('POST', '/v1/oauth/token', params, { maxNetworkRetries: 0 })) as unknown as Stripe.OAuthToken)
        : await clientOf(mode).oauth.token(params as unknown as Stripe.OAuthTokenParams, { maxNetworkRetries: 0 });
      if (!answer.stripe_user_id || !answer.access_token) return err({ kind: 'stripe', message: 'token answer without account' });
      return ok({
        stripeUserId: answer.stripe_user_id,
        accessToken: answer.access_token,
        refreshToken: answer.refresh_token ?? null,
        livemode: answer.livemode ?? mode === 'live',
      });
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      if (error instanceof Stripe.errors.StripeInvalidGrantError) return err({ kind: 'invalid_grant', message });
      return err({ kind: 'stripe', message });
    }
  }

  return {
    provider: config.provider,
    modes,
    accessTokenLifetimeMs: apps ? STRIPE_APPS_ACCESS_TOKEN_MS : null,

    authorizeUrl(mode, request) {
      const keys = keysOf(mode);
      const fallback = apps ? STRIPE_APPS_AUTHORIZE_URL : STRIPE_CONNECT_AUTHORIZE_URL;
      const url = new URL(keys.authorizeUrl ?? fallback);
      // An install link copied from the Dashboard may carry its own query; ours replaces it.
      url.search = '';
      if (!apps) url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', keys.clientId);
      // Explicit: stripe-node's own authorizeUrl() would default to read_write. Apps take their
      // permissions from the app's manifest and send no scope.
      if (!apps) url.searchParams.set('scope', 'read_only');
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('state', request.state);
      if (request.reauthenticate && !apps) {
        // Let the admin pick the account rather than reusing a signed-in one (Stripe Apps' install
        // page has its own account picker).
        url.searchParams.set('always_prompt', 'true');
        url.searchParams.set('stripe_landing', 'login');
      }
      return url.toString();
    },

    exchangeCode: (mode, code) => oauthToken(mode, { grant_type: 'authorization_code', code }),

    async refresh(mode, refreshToken) {
      if (!apps) return err({ kind: 'stripe', message: 'Connect tokens do not expire and are not refreshed.' });
      return oauthToken(mode, { grant_type: 'refresh_token', refresh_token: refreshToken });
    },

    async accountName(mode, credentials) {
      try {
        // An Apps token reads its own account (`GET /v1/account`); `GET /v1/accounts/{id}` is refused
        // to it. Connect reads the connected account with the platform's key.
        const account = apps
          ? await clientOf(mode).accounts.retrieveCurrent({}, { apiKey: credentials.accessToken })
          : await clientOf(mode).accounts.retrieve(credentials.stripeUserId);
        return account.settings?.dashboard.display_name ?? account.business_profile?.name ?? null;
      } catch {
        // Never fail a connection over a name.
        return null;
      }
    },

    async giveBack(mode, stripeUserId) {
      if (apps) return;
      await clientOf(mode).oauth.deauthorize({ client_id: keysOf(mode).clientId, stripe_user_id: stripeUserId });
    },

    async sync(mode, credentials) {
      try {
        await (apps
          ? clientOf(mode).balance.retrieve({}, { apiKey: credentials.accessToken })
          : clientOf(mode).balance.retrieve({}, { stripeAccount: credentials.stripeUserId }));
        return ok(null);
      } catch (error) {
        const e = error as { code?: string; statusCode?: number; message?: string };
        const message = e.message ?? String(error);
        if (e.code === 'platform_api_key_expired') return err({ kind: 'token_expired', message });
        // Revoked access shows up as account_invalid (or an authentication error) on the next call.
        if (e.code === 'account_invalid' || e.statusCode === 401 || e.statusCode === 403) return err({ kind: 'access_lost', message });
        return err({ kind: 'error', message });
      }
    },

    verifyEvent(payload, signature) {
      if (!config.webhookSecret) return null;
      try {
        const event = Stripe.webhooks.constructEvent(payload, signature, config.webhookSecret);
        return { type: event.type, account: event.account ?? null, livemode: event.livemode };
      } catch {
        return null;
      }
    },
  };
}
