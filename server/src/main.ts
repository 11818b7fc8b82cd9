/**
 * The production entry: the workspace API against real Stripe. `npm run server` runs the reference
 * setup instead (server/dev/main.ts: the Stripe emulator, test controls).
 *
 * Environment: STRIPE_SECRET_KEY and STRIPE_CLIENT_ID (required), STRIPE_WEBHOOK_SECRET, DATABASE_URL
 * with WORKSPACE_ENCRYPTION_KEY (else PGlite in DATA_DIR), PORT, HOST, WORKSPACE_RATE_LIMIT,
 * ADMIN_TOKEN / STANDARD_TOKEN (the first workspace's tokens, on first start).
 */
import { createWorkspaceApi } from './app';
import { workspaceConfigFromEnv } from './config';
import { ensureWorkspace } from './data/workspaces';
import { demoWorkspace } from './model';
import { listen } from './node';
import { createStripeGateway } from './stripe-gateway';
import { openStorage } from './workspace';

const config = workspaceConfigFromEnv(process.env);
if (!config.stripeSecretKey || !config.stripeClientId) {
  console.error('Set STRIPE_SECRET_KEY and STRIPE_CLIENT_ID (or run `npm run server` for the reference setup with its Stripe emulator).');
  process.exit(1);
}
const { db, sealer } = await openStorage(config);
// The first workspace on first start, with the tokens given (never the demo ones in production).
if (config.adminToken) {
  await ensureWorkspace(
    db,
    demoWorkspace({ admin: config.adminToken, ...(config.standardToken ? { standard: config.standardToken } : {}) }),
  );
}
const stripe = createStripeGateway({
  secretKey: config.stripeSecretKey,
  clientId: config.stripeClientId,
  ...(config.stripeWebhookSecret ? { webhookSecret: config.stripeWebhookSecret } : {}),
});
const server = await listen(createWorkspaceApi({ db, sealer, stripe, rateLimit: config.rateLimit }), config);
console.log(JSON.stringify({ ready: true, workspaceUrl: server.url }));

const stop = () =>
  void server
    .close()
    .then(() => db.close())
    .then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
