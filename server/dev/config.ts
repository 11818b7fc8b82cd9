/** The reference setup's options from the environment: the workspace's, plus the emulator's and the test controls'. */
import { numberFrom, workspaceConfigFromEnv } from '../src/config';
import type { ReferenceServerOptions } from './reference-server';

export function optionsFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): ReferenceServerOptions {
  return {
    ...workspaceConfigFromEnv(env, root),
    testControls: env.WORKSPACE_TEST_CONTROLS === '1',
    // The emulator's provider mode (real Stripe reads STRIPE_PROVIDER with its keys).
    ...(env.STRIPE_PROVIDER === 'connect' || env.STRIPE_PROVIDER === 'stripe-app' ? { stripeProvider: env.STRIPE_PROVIDER } : {}),
    ...(env.EMULATOR_URL ? { emulatorUrl: env.EMULATOR_URL } : {}),
    emulator: {
      port: numberFrom(env.EMULATOR_PORT, 8788),
      codeTtlSeconds: numberFrom(env.EMULATOR_CODE_TTL_SECONDS, 300),
    },
  };
}
