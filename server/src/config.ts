/**
 * The workspace's options from the environment, in one place (README › "Running the reference
 * workspace" lists every variable).
 */
import { resolve } from 'node:path';
import type { RateLimit } from './rate-limit';
import { DEFAULT_RATE_LIMIT } from './rate-limit';
import type { StripeConfig, StripeMode, StripeModeKeys } from './stripe-gateway';
import type { SyncerOptions } from './sync/syncer';
import type { StorageOptions } from './workspace';
import { SIGN_IN_REDIRECT_URIS } from '../../scripts/extension-ids';

export const numberFrom = (value: string | undefined, fallback: number): number =>
  value === undefined || value === '' ? fallback : Number(value);

export interface WorkspaceConfig extends StorageOptions {
  port: number;
  host: string;
  /** Real Stripe: the provider mode and each offered mode's keys; absent when no key is set. */
  stripe?: Omit<StripeConfig, 'emulatorUrl' | 'webhookSecret'>;
  stripeWebhookSecret?: string;
  rateLimit: RateLimit;
  adminToken?: string;
  standardToken?: string;
  /** The workspace's public URL (WORKSPACE_URL): the sign-in issuer. Default: the address it listens on. */
  publicUrl?: string;
  /** The extension's sign-in redirect URLs (SIGN_IN_REDIRECT_URIS, comma-separated). */
  signInRedirectUris: string[];
  /** Syncing Stripe data (WORKSPACE_SYNC=0 turns it off); its interval and how long a sync's claim lasts. */
  sync: SyncerOptions | false;
}

export function workspaceConfigFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): WorkspaceConfig {
  return {
    dataDir: resolve(root, env.DATA_DIR ?? '.data/workspace'),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.WORKSPACE_ENCRYPTION_KEY ? { encryptionKey: env.WORKSPACE_ENCRYPTION_KEY } : {}),
    port: numberFrom(env.PORT, 8787),
    host: env.HOST ?? '127.0.0.1',
    ...stripeFromEnv(env),
    ...(env.STRIPE_WEBHOOK_SECRET ? { stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
    rateLimit: { ...DEFAULT_RATE_LIMIT, writes: numberFrom(env.WORKSPACE_RATE_LIMIT, DEFAULT_RATE_LIMIT.writes) },
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    ...(env.STANDARD_TOKEN ? { standardToken: env.STANDARD_TOKEN } : {}),
    ...(env.WORKSPACE_URL ? { publicUrl: env.WORKSPACE_URL.replace(/\/+$/, '') } : {}),
    // Firefox's is fixed by the add-on id; a Chrome Web Store build has its own id: list its URL here.
    signInRedirectUris: env.SIGN_IN_REDIRECT_URIS
      ? env.SIGN_IN_REDIRECT_URIS.split(',')
          .map((uri) => uri.trim())
          .filter(Boolean)
      : SIGN_IN_REDIRECT_URIS,
    sync:
      env.WORKSPACE_SYNC === '0'
        ? false
        : {
            intervalMs: numberFrom(env.WORKSPACE_SYNC_INTERVAL_SECONDS, 900) * 1000,
            claimMs: numberFrom(env.WORKSPACE_SYNC_CLAIM_SECONDS, 60) * 1000,
          },
  };
}

/**
 * Stripe from the environment. STRIPE_PROVIDER is `stripe-app` (default) or `connect` (legacy). Each
 * mode has STRIPE_<MODE>_SECRET_KEY, STRIPE_<MODE>_CLIENT_ID and, for Stripe Apps,
 * STRIPE_<MODE>_INSTALL_LINK (the Dashboard's link; its `client_id` serves when no client id is
 * set). 0.1's STRIPE_SECRET_KEY / STRIPE_CLIENT_ID still work: the key's prefix says its mode.
 */
/** Each mode's variables, spelt out so that a search for one finds where it is read. */
const STRIPE_MODE_ENV = {
  live: { secretKey: 'STRIPE_LIVE_SECRET_KEY', clientId: 'STRIPE_LIVE_CLIENT_ID', installLink: 'STRIPE_LIVE_INSTALL_LINK' },
  test: { secretKey: 'STRIPE_TEST_SECRET_KEY', clientId: 'STRIPE_TEST_CLIENT_ID', installLink: 'STRIPE_TEST_INSTALL_LINK' },
} as const;

export function stripeFromEnv(env: NodeJS.ProcessEnv): Pick<WorkspaceConfig, 'stripe'> {
  const provider = env.STRIPE_PROVIDER ?? 'stripe-app';
  if (provider !== 'stripe-app' && provider !== 'connect') throw new Error('STRIPE_PROVIDER must be "stripe-app" or "connect".');
  const modes: Partial<Record<StripeMode, StripeModeKeys>> = {};
  const legacyMode: StripeMode = /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY ?? '') ? 'live' : 'test';
  for (const mode of ['live', 'test'] as const) {
    const names = STRIPE_MODE_ENV[mode];
    const legacy = mode === legacyMode;
    const secretKey = env[names.secretKey] ?? (legacy ? env.STRIPE_SECRET_KEY : undefined);
    if (!secretKey) continue;
    const link = env[names.installLink];
    const clientId =
      env[names.clientId] ?? (legacy ? env.STRIPE_CLIENT_ID : undefined) ?? (link ? new URL(link).searchParams.get('client_id') : null);
    if (!clientId) throw new Error(`Set ${names.clientId} (the ca_… id of your Stripe app or Connect platform in ${mode} mode).`);
    modes[mode] = { secretKey, clientId, ...(link ? { authorizeUrl: link } : {}) };
  }
  return Object.keys(modes).length > 0 ? { stripe: { provider, modes } } : {};
}
