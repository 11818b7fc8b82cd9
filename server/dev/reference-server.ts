/**
 * The reference workspace as tests, `npm start`, `npm run server`, screenshots and the benchmark run
 * it: the production API on its storage, the Stripe emulator (Stripe Apps by default, or Connect)
 * unless real Stripe keys are given, the token refresher, and (when asked) the test controls in front.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { createWorkspaceApi, servicesOf } from '../src/app';
import type { WorkspaceConfig } from '../src/config';
import type { Database } from '../src/db/database';
import { ensureWorkspace } from '../src/data/workspaces';
import { demoWorkspace } from '../src/model';
import { listen } from '../src/node';
import { answerError, notFound } from '../src/problems';
import type { RateLimit } from '../src/rate-limit';
import { createStripeGateway, type StripeConfig, type StripeMode, type StripeProvider } from '../src/stripe-gateway';
import { syncSettingsOf } from '../src/sync';
import { startSyncer, type Syncer } from '../src/sync/syncer';
import { startTokenRefresher } from '../src/token-refresh';
import { createSignIn } from '../src/sign-in';
import { SIGN_IN_REDIRECT_URIS } from '../../scripts/extension-ids';
import { openStorage, type StorageOptions } from '../src/workspace';
import {
  EMULATOR_CLIENT_ID,
  EMULATOR_INSTALL_PATHS,
  EMULATOR_SECRET_KEYS,
  EMULATOR_WEBHOOK_SECRET,
  startStripeEmulator,
  type EmulatorOptions,
  type StripeEmulator,
} from './stripe-emulator';
import { importLegacyStore } from './legacy-import';
import { createTestControls } from './test-controls';

export interface ReferenceServerOptions extends StorageOptions, Partial<Omit<WorkspaceConfig, keyof StorageOptions | 'rateLimit'>> {
  emulator?: EmulatorOptions;
  /** An emulator already running elsewhere (several workspace instances sharing one "Stripe"). */
  emulatorUrl?: string;
  /** `/__test/*` endpoints that break integrations on purpose; for tests and demos only. */
  testControls?: boolean;
  sessionTtlSeconds?: number;
  /** Writes per token per minute; 0 turns limiting off. */
  rateLimit?: Partial<RateLimit>;
  /** With the emulator: the provider mode (default `stripe-app`) and the modes offered (default both). */
  stripeProvider?: StripeProvider;
  stripeModes?: StripeMode[];
}

export interface ReferenceServer {
  url: string;
  emulator: StripeEmulator | null;
  db: Database;
  /** The demo workspace's people and tokens as given: the ones in use when `firstStart` (only hashes are stored). */
  users: Array<{ name: string; role: string; token: string }>;
  firstStart: boolean;
  close(): Promise<void>;
}

export async function startReferenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const realStripe = options.stripe;
  // Real Stripe when its keys are given, else the emulator, started here.
  const emulator = realStripe || options.emulatorUrl ? null : await startStripeEmulator({ host, ...options.emulator });
  const emulatorUrl = emulator?.url ?? (realStripe ? undefined : options.emulatorUrl);
  const stripe = createStripeGateway(
    emulatorUrl
      ? { ...emulatedStripe(emulatorUrl, options), webhookSecret: options.emulator?.webhookSecret ?? EMULATOR_WEBHOOK_SECRET, emulatorUrl }
      : { provider: 'stripe-app', modes: {}, ...realStripe, webhookSecret: options.stripeWebhookSecret },
  );
  const { db, sealer } = await openStorage(options);
  const imported = await importLegacyStore(options.dataDir, db, sealer);
  if (imported)
    console.log(`Imported ${imported.workspace} (${imported.integrations} integrations) from ${options.dataDir}/workspace.json`);
  const demo = demoWorkspace({
    ...(options.adminToken ? { admin: options.adminToken } : {}),
    ...(options.standardToken ? { standard: options.standardToken } : {}),
  });
  const firstStart = await ensureWorkspace(db, demo);
  // Tests move this clock forward (with the emulator's) to age tokens and sessions.
  let clockOffset = 0;
  let syncer: Syncer | null = null;
  const apiOptions = {
    db,
    sealer,
    stripe,
    now: () => Date.now() + clockOffset,
    syncWake: () => syncer?.wake(),
    ...(options.sessionTtlSeconds ? { sessionTtlSeconds: options.sessionTtlSeconds } : {}),
    // `npm start` and `npm run server` pass WORKSPACE_RATE_LIMIT (default 60 a minute); a test
    // world that does not say writes faster than any admin, and limits are tested on their own.
    rateLimit: { writes: 600, windowSeconds: 60, ...options.rateLimit },
  };
  // Sign-in with the workspace: its issuer is the server's URL, known once it listens.
  const signIn = createSignIn(db, apiOptions.now);
  const api = createWorkspaceApi({ ...apiOptions, callerOfAccessToken: signIn.callerOfAccessToken });
  const services = { ...servicesOf(apiOptions), callerOfAccessToken: signIn.callerOfAccessToken };
  const refresher = startTokenRefresher(services);
  // Off unless asked for (`npm start` and `npm run server` ask): a test world syncs when its test does.
  if (options.sync) syncer = startSyncer(services, options.sync);
  // The test controls' "sync now" runs with the same timing.
  const syncSettings = syncSettingsOf(options.sync || {});
  const app = new Hono<{ Bindings: HttpBindings }>();
  if (options.testControls && emulatorUrl) {
    const advanceClock = async (ms: number) => {
      clockOffset += ms;
      if (emulator) emulator.advanceClock(ms);
      else await fetch(`${emulatorUrl}/__emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: ms / 1000 }) });
    };
    const controls = createTestControls(services, { emulatorUrl, defaultWorkspaceId: demo.id, advanceClock, syncSettings });
    app.route('/__test', controls.routes);
    app.use(controls.middleware);
  }
  app.use(signIn.middleware);
  app.route('/', api);
  app.onError(answerError);
  app.notFound(notFound);

  const server = await listen(app, { host, ...(options.port === undefined ? {} : { port: options.port }) });
  signIn.start({ issuer: server.url, redirectUris: SIGN_IN_REDIRECT_URIS, cookieKeys: [sealer.derive('sign-in cookies')] });
  emulator?.setWebhookUrl(`${server.url}/webhooks/stripe`);
  return {
    url: server.url,
    emulator,
    db,
    users: demo.users,
    firstStart,
    async close() {
      refresher.stop();
      await syncer?.stop();
      await server.close();
      await emulator?.close();
      await db.close();
    },
  };
}

/** The emulator's keys and install links for the modes asked for. */
function emulatedStripe(emulatorUrl: string, options: ReferenceServerOptions): Pick<StripeConfig, 'provider' | 'modes'> {
  const provider = options.stripeProvider ?? 'stripe-app';
  const modes = Object.fromEntries(
    (options.stripeModes ?? ['live', 'test']).map((mode) => [
      mode,
      {
        secretKey: EMULATOR_SECRET_KEYS[mode],
        clientId: options.emulator?.clientId ?? EMULATOR_CLIENT_ID,
        authorizeUrl: `${emulatorUrl}${provider === 'stripe-app' ? EMULATOR_INSTALL_PATHS[mode] : '/oauth/authorize'}`,
      },
    ]),
  );
  return { provider, modes };
}
