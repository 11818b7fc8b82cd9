/**
 * The production entry: the workspace API against real Stripe. `npm run server` runs the reference
 * setup instead (server/dev/main.ts: the Stripe emulator, test controls).
 *
 * Environment: STRIPE_PROVIDER (stripe-app, or connect), the keys of at least one mode
 * (STRIPE_LIVE_SECRET_KEY, STRIPE_LIVE_CLIENT_ID, STRIPE_LIVE_INSTALL_LINK and/or the same with
 * TEST; see config.ts), STRIPE_WEBHOOK_SECRET, DATABASE_URL
 * with WORKSPACE_ENCRYPTION_KEY (else PGlite in DATA_DIR), PORT, HOST, WORKSPACE_RATE_LIMIT,
 * ADMIN_TOKEN / STANDARD_TOKEN (the first workspace's tokens, on first start), WORKSPACE_URL (its
 * public URL, the sign-in issuer), SIGN_IN_REDIRECT_URIS (the extension's sign-in redirect URLs), and
 * WORKSPACE_SYNC=0 / WORKSPACE_SYNC_INTERVAL_SECONDS / WORKSPACE_SYNC_CLAIM_SECONDS (syncing Stripe data).
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { createWorkspaceApi, servicesOf } from './app';
import { workspaceConfigFromEnv } from './config';
import { ensureWorkspace } from './data/workspaces';
import { demoWorkspace } from './model';
import { listen } from './node';
import { answerError, notFound } from './problems';
import { createSignIn } from './sign-in';
import { createStripeGateway } from './stripe-gateway';
import { startSyncer } from './sync/syncer';
import { startTokenRefresher } from './token-refresh';
import { openStorage } from './workspace';

const config = workspaceConfigFromEnv(process.env);
if (!config.stripe) {
  console.error(
    'Set STRIPE_LIVE_SECRET_KEY and STRIPE_LIVE_INSTALL_LINK (and/or the TEST ones; README › "Real Stripe"), or run `npm run server` for the reference setup with its Stripe emulator.',
  );
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
const stripe = createStripeGateway({ ...config.stripe, webhookSecret: config.stripeWebhookSecret });
const now = () => Date.now();
// Sign-in with the workspace, in front of the API; its cookie key derives from the workspace key, so
// every instance and every restart agrees on it.
const signIn = createSignIn(db, now);
let wakeSyncer = (): void => undefined;
const services = {
  ...servicesOf({ db, sealer, stripe, now }),
  callerOfAccessToken: signIn.callerOfAccessToken,
  syncWake: () => wakeSyncer(),
};
const app = new Hono<{ Bindings: HttpBindings }>();
app.use(signIn.middleware);
app.route('/', createWorkspaceApi({ ...services, rateLimit: config.rateLimit }));
app.onError(answerError);
app.notFound(notFound);
const server = await listen(app, config);
signIn.start({
  issuer: config.publicUrl ?? server.url,
  behindProxy: config.publicUrl !== undefined,
  redirectUris: config.signInRedirectUris,
  cookieKeys: [sealer.derive('sign-in cookies')],
});
// Stripe Apps access tokens live an hour: renewed here, one instance at a time per integration.
const refresher = startTokenRefresher(services);
// Every instance syncs what is due, one integration at a time each (sync/syncer.ts).
const syncer = config.sync ? startSyncer(services, config.sync) : null;
wakeSyncer = () => syncer?.wake();
console.log(JSON.stringify({ ready: true, workspaceUrl: server.url }));

const stop = () =>
  void server
    .close()
    .then(() => refresher.stop())
    .then(() => syncer?.stop())
    .then(() => db.close())
    .then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
