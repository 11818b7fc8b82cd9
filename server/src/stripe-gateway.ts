/**
 * The workspace's side of Stripe Connect, through the official `stripe` package: the same calls
 * go to the emulator or to real Stripe, depending only on where the client points.
 */
import { err, ok, type Result } from '../../src/shared/result';
import Stripe from 'stripe';

export interface StripeConnectConfig {
  secretKey: string;
  clientId: string;
  /** The emulator's base URL; absent for real Stripe. */
  emulatorUrl?: string;
  /** Verifies `Stripe-Signature` on webhook events; without it webhooks are refused. */
  webhookSecret?: string | undefined;
}

export interface SyncFailure {
  kind: 'access_lost' | 'error';
  message: string;
}
/** The project's one result shape (src/shared/result.ts). */
export type SyncOutcome = Result<null, SyncFailure>;

export interface StripeEvent {
  type: string;
  account: string | null;
}

export interface StripeGrant {
  stripeUserId: string;
  accessToken: string;
  refreshToken: string | null;
  scope: string;
  livemode: boolean;
}

export type ExchangeFailure = { kind: 'invalid_grant'; message: string } | { kind: 'stripe'; message: string };

export interface StripeGateway {
  /** Where the admin's browser is sent to authorize. */
  authorizeBase: string;
  clientId: string;
  exchangeCode(code: string): Promise<Result<StripeGrant, ExchangeFailure>>;
  accountName(stripeUserId: string): Promise<string>;
  deauthorize(stripeUserId: string): Promise<void>;
  /** One sync step: read the connected account's balance with the platform key. */
  sync(stripeUserId: string): Promise<SyncOutcome>;
  /** A verified webhook event, or null when the signature does not check out. */
  verifyEvent(payload: string, signature: string): StripeEvent | null;
}

export function createStripeGateway(config: StripeConnectConfig): StripeGateway {
  const emulator = config.emulatorUrl ? new URL(config.emulatorUrl) : null;
  const stripe = new Stripe(config.secretKey, {
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

  return {
    // `stripe.oauth.authorizeUrl()` drops the port, so the base is ours to state.
    authorizeBase: emulator ? emulator.origin : 'https://connect.stripe.com',
    clientId: config.clientId,

    async exchangeCode(code) {
      try {
        const answer = await stripe.oauth.token({ grant_type: 'authorization_code', code });
        if (!answer.stripe_user_id || !answer.access_token) {
          return err({ kind: 'stripe', message: 'token answer without account' });
        }
        return ok({
          stripeUserId: answer.stripe_user_id,
          accessToken: answer.access_token,
          refreshToken: answer.refresh_token ?? null,
          scope: answer.scope ?? 'read_only',
          livemode: answer.livemode ?? false,
        });
      } catch (error) {
        const e = error as { type?: string; code?: string; message?: string; raw?: { error?: string } };
        const message = e.message ?? String(error);
        if (e.code === 'invalid_grant' || e.raw?.error === 'invalid_grant' || e.type === 'StripeInvalidGrantError') {
          return err({ kind: 'invalid_grant', message });
        }
        return err({ kind: 'stripe', message });
      }
    },

    async accountName(stripeUserId) {
      const account = await stripe.accounts.retrieve(stripeUserId);
      return account.settings?.dashboard.display_name ?? account.business_profile?.name ?? account.email ?? stripeUserId;
    },

    async deauthorize(stripeUserId) {
      await stripe.oauth.deauthorize({ client_id: config.clientId, stripe_user_id: stripeUserId });
    },

    async sync(stripeUserId) {
      try {
        await stripe.balance.retrieve({}, { stripeAccount: stripeUserId });
        return ok(null);
      } catch (error) {
        const e = error as { code?: string; statusCode?: number; message?: string };
        const message = e.message ?? String(error);
        // Revoked access shows up as account_invalid (or an authentication error) on the next call.
        if (e.code === 'account_invalid' || e.statusCode === 401 || e.statusCode === 403) {
          return err({ kind: 'access_lost', message });
        }
        return err({ kind: 'error', message });
      }
    },

    verifyEvent(payload, signature) {
      if (!config.webhookSecret) return null;
      try {
        const event = stripe.webhooks.constructEvent(payload, signature, config.webhookSecret);
        return { type: event.type, account: event.account ?? null };
      } catch {
        return null;
      }
    },
  };
}
