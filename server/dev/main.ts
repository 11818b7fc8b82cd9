/**
 * `npm run server`: the reference workspace on its embedded default (the Stripe emulator), or
 * against real Stripe when its keys are set (server/src/config.ts: STRIPE_PROVIDER, STRIPE_LIVE_* / STRIPE_TEST_*).
 *
 * Environment: PORT (default 8787), HOST (127.0.0.1), DATA_DIR (.data/workspace), DATABASE_URL and
 * WORKSPACE_ENCRYPTION_KEY (a PostgreSQL server instead of PGlite), WORKSPACE_RATE_LIMIT (60),
 * EMULATOR_PORT (8788), EMULATOR_CODE_TTL_SECONDS (300), ADMIN_TOKEN, STANDARD_TOKEN,
 * STRIPE_WEBHOOK_SECRET (real Stripe), WORKSPACE_TEST_CONTROLS=1 (the /__test endpoints).
 */
import { DEMO_ADMIN_TOKEN, DEMO_STANDARD_TOKEN } from '../src/model';
import { optionsFromEnv } from './config';
import { startReferenceServer } from './reference-server';

const server = await startReferenceServer(optionsFromEnv(process.env));

// One machine-readable line first (scripts read it), then words for people.
console.log(JSON.stringify({ ready: true, workspaceUrl: server.url, emulatorUrl: server.emulator?.url ?? null }));
console.log(`Reference workspace: ${server.url}`);
console.log(server.emulator ? `Stripe emulator: ${server.emulator.url}` : 'Stripe: real (your keys)');
const users = server.users;
if (server.firstStart) {
  for (const user of users) console.log(`  ${user.role.padEnd(9)} token: ${user.token}  (${user.name})`);
  if (users.some((u) => u.token === DEMO_ADMIN_TOKEN || u.token === DEMO_STANDARD_TOKEN)) {
    console.log('  (demo tokens: set ADMIN_TOKEN / STANDARD_TOKEN on first start for your own)');
  }
} else {
  console.log('  API tokens: the ones set on first start (only their hashes are stored)');
}

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
