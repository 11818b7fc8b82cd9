/**
 * The reference workspace's options from the environment, in one place for `npm run server` and
 * `npm start` (README › "Running the reference workspace" lists every variable).
 */
import { resolve } from 'node:path';
import type { ReferenceServerOptions } from './index';

const numberFrom = (value: string | undefined, fallback: number) => (value === undefined || value === '' ? fallback : Number(value));

export function optionsFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): ReferenceServerOptions {
  return {
    dataDir: resolve(root, env.DATA_DIR ?? '.data/workspace'),
    port: numberFrom(env.PORT, 8787),
    host: env.HOST ?? '127.0.0.1',
    ...(env.STRIPE_SECRET_KEY ? { stripeSecretKey: env.STRIPE_SECRET_KEY } : {}),
    ...(env.STRIPE_CLIENT_ID ? { stripeClientId: env.STRIPE_CLIENT_ID } : {}),
    ...(env.STRIPE_WEBHOOK_SECRET ? { stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
    testControls: env.WORKSPACE_TEST_CONTROLS === '1',
    emulator: {
      port: numberFrom(env.EMULATOR_PORT, 8788),
      codeTtlSeconds: numberFrom(env.EMULATOR_CODE_TTL_SECONDS, 300),
    },
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    ...(env.STANDARD_TOKEN ? { standardToken: env.STANDARD_TOKEN } : {}),
  };
}
