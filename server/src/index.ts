/**
 * Starts the reference workspace: its API and, unless real Stripe credentials are given, the
 * Stripe Connect emulator it talks to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedWorkspace, type WorkspaceData } from './model';
import { DurableStore } from './store';
import {
  EMULATOR_CLIENT_ID,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
  startStripeEmulator,
  type EmulatorOptions,
  type StripeEmulator,
} from './stripe-emulator';
import { createStripeGateway } from './stripe-gateway';
import { createWorkspaceHandler } from './workspace-api';

export interface ReferenceServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Real Stripe: both set. Otherwise the emulator runs. */
  stripeSecretKey?: string;
  stripeClientId?: string;
  stripeWebhookSecret?: string;
  emulator?: EmulatorOptions;
  /** `/__test/*` endpoints that break integrations on purpose; for tests and demos only. */
  testControls?: boolean;
  adminToken?: string;
  standardToken?: string;
  sessionTtlSeconds?: number;
}

export interface ReferenceServer {
  url: string;
  emulator: StripeEmulator | null;
  server: Server;
  store: DurableStore<WorkspaceData>;
  close(): Promise<void>;
}

export async function startReferenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const { stripeSecretKey, stripeClientId } = options;
  const realStripe = stripeSecretKey && stripeClientId ? { secretKey: stripeSecretKey, clientId: stripeClientId } : null;
  // Real Stripe when its keys are given, else the emulator, started here.
  const emulator = realStripe ? null : await startStripeEmulator({ host, ...options.emulator });
  const stripe = createStripeGateway(
    emulator
      ? {
          secretKey: options.emulator?.secretKey ?? EMULATOR_SECRET_KEY,
          clientId: options.emulator?.clientId ?? EMULATOR_CLIENT_ID,
          webhookSecret: options.emulator?.webhookSecret ?? EMULATOR_WEBHOOK_SECRET,
          emulatorUrl: emulator.url,
        }
      : {
          secretKey: stripeSecretKey ?? '',
          clientId: stripeClientId ?? '',
          ...(options.stripeWebhookSecret ? { webhookSecret: options.stripeWebhookSecret } : {}),
        },
  );
  const store = await DurableStore.open(options.dataDir, () =>
    seedWorkspace({
      ...(options.adminToken ? { admin: options.adminToken } : {}),
      ...(options.standardToken ? { standard: options.standardToken } : {}),
    }),
  );
  const handle = createWorkspaceHandler({
    store,
    stripe,
    ...(options.sessionTtlSeconds ? { sessionTtlSeconds: options.sessionTtlSeconds } : {}),
    testControls: Boolean(options.testControls && emulator),
    emulatorUrl: emulator?.url ?? null,
  });
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  emulator?.setWebhookUrl(`http://${host}:${port}/webhooks/stripe`);
  return {
    url: `http://${host}:${port}`,
    emulator,
    server,
    store,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator?.close();
    },
  };
}
