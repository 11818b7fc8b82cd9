/**
 * The workspace's options from the environment, in one place (README › "Running the reference
 * workspace" lists every variable).
 */
import { resolve } from 'node:path';
import type { RateLimit } from './rate-limit';
import { DEFAULT_RATE_LIMIT } from './rate-limit';
import type { StorageOptions } from './workspace';

export const numberFrom = (value: string | undefined, fallback: number): number =>
  value === undefined || value === '' ? fallback : Number(value);

export interface WorkspaceConfig extends StorageOptions {
  port: number;
  host: string;
  stripeSecretKey?: string;
  stripeClientId?: string;
  stripeWebhookSecret?: string;
  rateLimit: RateLimit;
  adminToken?: string;
  standardToken?: string;
}

export function workspaceConfigFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): WorkspaceConfig {
  return {
    dataDir: resolve(root, env.DATA_DIR ?? '.data/workspace'),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.WORKSPACE_ENCRYPTION_KEY ? { encryptionKey: env.WORKSPACE_ENCRYPTION_KEY } : {}),
    port: numberFrom(env.PORT, 8787),
    host: env.HOST ?? '127.0.0.1',
    ...(env.STRIPE_SECRET_KEY ? { stripeSecretKey: env.STRIPE_SECRET_KEY } : {}),
    ...(env.STRIPE_CLIENT_ID ? { stripeClientId: env.STRIPE_CLIENT_ID } : {}),
    ...(env.STRIPE_WEBHOOK_SECRET ? { stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
    rateLimit: { ...DEFAULT_RATE_LIMIT, writes: numberFrom(env.WORKSPACE_RATE_LIMIT, DEFAULT_RATE_LIMIT.writes) },
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    ...(env.STANDARD_TOKEN ? { standardToken: env.STANDARD_TOKEN } : {}),
  };
}
