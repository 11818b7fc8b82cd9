/**
 * The workspace's side of Stripe, through the official `stripe` package, in either provider mode:
 * Stripe Apps OAuth 2.0 (the default; tokens that expire and rotate) or Connect OAuth (legacy,
 * `read_only`, deprecated by Stripe). The same calls go to the emulator or to real Stripe, depending
 * only on where the clients point.
 */
import { err, ok, type Result } from '../../src/shared/result';
import Stripe from 'stripe';
import type { StripeRecord, SyncedObject } from './sync/objects';

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
  /**
   * `access_lost`: revoked or refused for good; `token_expired`: the access token needs a refresh;
   * `rate_limited`: Stripe's 429, worth waiting for; `permission_missing`: this object is not among
   * what the connection may read; `error`: anything else (Stripe failing, the network).
   */
  kind: 'access_lost' | 'token_expired' | 'rate_limited' | 'permission_missing' | 'error';
  message: string;
}
/** The project's one result shape (src/shared/result.ts). */
export type SyncOutcome = Result<null, SyncFailure>;

/** Where a list goes on from: after a row (first import, newest first), or the rows newer than one (events, oldest first). */
export type ListFrom = { after: string | null } | { newerThan: string };

/** A failed Stripe call, told apart the way a sync must handle it. */
export class StripeCallError extends Error {
  constructor(readonly failure: SyncFailure) {
    super(failure.message);
  }
}

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
  /** When the connected account was created (how far back its data goes); null when unknown. */
  accountCreatedAt(mode: StripeMode, credentials: StripeCredentials): Promise<number | null>;
  /**
   * Every row of one object's list, a page of `PAGE_SIZE` at a time through the package's
   * auto-pagination; a failed call throws a `StripeCallError`.
   */
  list(mode: StripeMode, credentials: StripeCredentials, object: SyncedObject, from: ListFrom): AsyncIterable<StripeRecord>;
  /** A verified webhook event, or null when the signature does not check out. */
  verifyEvent(payload: string, signature: string): StripeEvent | null;
}

export const STRIPE_APPS_AUTHORIZE_URL = 'https://marketplace.stripe.com/oauth/v2/authorize';
export const STRIPE_CONNECT_AUTHORIZE_URL = 'https://connect.stripe.com/oauth/authorize';
const STRIPE_APPS_ACCESS_TOKEN_MS = 3600_000;
/** Stripe's largest page. */
export const PAGE_SIZE = 100;

/** A failed Stripe call, as a sync handles it. */
export function syncFailureOf(error: unknown): SyncFailure {
  const e = error as { code?: string; statusCode?: number; message?: string };
  const message = e.message ?? String(error);
  if (e.code === 'platform_api_key_expired') return { kind: 'token_expired', message };
  if (error instanceof Stripe.errors.StripeRateLimitError || e.statusCode === 429) return { kind: 'rate_limited', message };
  // Stripe Apps: the app's permissions do not cover this object (issues 504, 678 of stripe-apps).
  if (e.code === 'more_permissions_required_for_application') return { kind: 'permission_missing', message };
  // Revoked access shows up as account_invalid (or an authentication error) on the next call.
  if (e.code === 'account_invalid' || e.statusCode === 401 || e.statusCode === 403) return { kind: 'access_lost', message };
  return { kind: 'error', message };
}

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

  /** The connected account as its credentials may read it; null when Stripe does not let them. */
  async function readAccount(mode: StripeMode, credentials: StripeCredentials): Promise<Stripe.Account | null> {
    try {
      // An Apps token reads its own account (`GET /v1/account`); `GET /v1/accounts/{id}` is refused
      // to it. Connect reads the connected account with the platform's key.
      return apps
        ? await clientOf(mode).accounts.retrieveCurrent({}, { apiKey: credentials.accessToken })
        : await clientOf(mode).accounts.retrieve(credentials.stripeUserId);
    } catch {
      // Never fail a connection or a sync over a name or a date.
      return null;
    }
  }

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
      const account = await readAccount(mode, credentials);
      return account ? (account.settings?.dashboard.display_name ?? account.business_profile?.name ?? null) : null;
    },

    async accountCreatedAt(mode, credentials) {
      const created = (await readAccount(mode, credentials))?.created;
      return typeof created === 'number' ? created * 1000 : null;
    },

    list(mode, credentials, object, from) {
      const client = clientOf(mode);
      const options: Stripe.RequestOptions = apps ? { apiKey: credentials.accessToken } : { stripeAccount: credentials.stripeUserId };
      const params = {
        limit: PAGE_SIZE,
        ...('newerThan' in from ? { ending_before: from.newerThan } : from.after ? { starting_after: from.after } : {}),
      };
      // The package pages on by itself (`starting_after`, or `ending_before` oldest first).
      const lists: Record<SyncedObject, () => AsyncIterable<unknown>> = {
        customers: () => client.customers.list(params, options),
        charges: () => client.charges.list(params, options),
        coupons: () => client.coupons.list(params, options),
        invoices: () => client.invoices.list(params, options),
        plans: () => client.plans.list(params, options),
        prices: () => client.prices.list(params, options),
        products: () => client.products.list(params, options),
        // Canceled subscriptions are history an analytics workspace wants too.
        subscriptions: () => client.subscriptions.list({ ...params, status: 'all' }, options),
        events: () => client.events.list(params, options),
      };
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const row of lists[object]()) yield row as StripeRecord;
          } catch (error) {
            throw new StripeCallError(syncFailureOf(error));
          }
        },
      };
    },

    async giveBack(mode, stripeUserId) {
      if (apps) return;
      await clientOf(mode).oauth.deauthorize({ client_id: keysOf(mode).clientId, stripe_user_id: stripeUserId });
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
