// Your Node backend, with the workspace API mounted beside its own routes (README › "Mounting the API").
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createStripeGateway, createWorkspaceApi, openStorage, servicesOf, startTokenRefresher } from '../server/src/index';

const env = process.env;
const { db, sealer } = await openStorage({
  dataDir: '.data/workspace',
  databaseUrl: env.DATABASE_URL,
  encryptionKey: env.WORKSPACE_ENCRYPTION_KEY,
});
const stripe = createStripeGateway({
  provider: 'stripe-app', // your Stripe app (README › "Real Stripe"); 'connect' for a legacy Connect platform
  modes: { live: { secretKey: env.STRIPE_LIVE_SECRET_KEY ?? '', clientId: env.STRIPE_LIVE_CLIENT_ID ?? '' } },
  webhookSecret: env.STRIPE_WEBHOOK_SECRET,
});
const services = servicesOf({ db, sealer, stripe });
const workspaceApi = getRequestListener(createWorkspaceApi(services).fetch);
startTokenRefresher(services); // Stripe Apps access tokens live an hour: renewed before they run out

createServer((req, res) => {
  if (req.url?.startsWith('/api/v1/') || req.url === '/webhooks/stripe') return void workspaceApi(req, res);
  res.end('your own routes'); // everything else stays yours
}).listen(Number(env.PORT ?? 3000), () => console.log('ready'));
