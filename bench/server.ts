/**
 * The workspace server's part of `npm run bench`, on PGlite (a data folder, as `npm start` runs it)
 * and on a PostgreSQL server (scripts/postgres.ts): 1,000 workspaces × 50 integrations and 10,000
 * stored sessions, then create-session and complete medians, the first against the last 100 of
 * 3,000 creations, 50 concurrent completions, and the 304 of a workspace with 50,000 integrations.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../server/src/db/database';
import { openStorage } from '../server/src/workspace';
import { startPostgres } from '../scripts/postgres';
import { spawnReady } from '../scripts/processes';

const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/stripe';
const WORKSPACES = 1000;
const INTEGRATIONS_EACH = 50;
const STORED_SESSIONS = 10_000;
const BIG_WORKSPACE_INTEGRATIONS = 50_000;

export interface ServerFigures {
  driver: 'pglite' | 'postgres';
  createSessionMs: number;
  completeMs: number;
  growth: { first100Ms: number; last100Ms: number; ratio: number };
  concurrentCompletions50Ms: number;
  /** CPU the workspace and Stripe (emulator) processes spent on those 50 (10 ms resolution). */
  concurrentCpuMs: { workspace: number; stripe: number };
  notModified50kMs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number) => Math.round(n * 100) / 100;

/** Many workspaces, integrations and sessions, straight into the database (the API would take minutes). */
async function seed(db: Database): Promise<void> {
  await db.query(`INSERT INTO workspaces (id, name) SELECT 'ws_b' || n, 'Bench ' || n FROM generate_series(1, ${WORKSPACES}) AS n`);
  await db.query(
    `INSERT INTO users (id, workspace_id, name, email, role)
     SELECT 'usr_b' || n, 'ws_b' || n, 'Admin ' || n, 'admin' || n || '@bench.test', 'admin' FROM generate_series(1, ${WORKSPACES}) AS n`,
  );
  // The same SHA-256 of the token's UTF-8 the server computes (secrets.ts › hashToken).
  await db.query(
    `INSERT INTO api_tokens (token_hash, user_id) SELECT sha256(convert_to('wc_bench_' || n, 'UTF8')), 'usr_b' || n FROM generate_series(1, ${WORKSPACES}) AS n`,
  );
  await db.query(
    `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at)
     SELECT 'int_b' || w || '_' || i, 'ws_b' || w, 'stripe', 'active', 'acct_b' || w || '_' || i, 'Store ' || i, false, now()
       FROM generate_series(1, ${WORKSPACES}) AS w, generate_series(1, ${INTEGRATIONS_EACH}) AS i`,
  );
  await db.query(
    `INSERT INTO connect_sessions (id, workspace_id, user_id, state, redirect_uri, created_at, expires_at)
     SELECT 'cs_b' || n, 'ws_b' || (n % ${WORKSPACES} + 1), 'usr_b' || (n % ${WORKSPACES} + 1), md5(n::text), '${REDIRECT_URI}', now(), now() + interval '15 minutes'
       FROM generate_series(1, ${STORED_SESSIONS}) AS n`,
  );
  // One big workspace for the 304.
  await db.query(`INSERT INTO workspaces (id, name) VALUES ('ws_big', 'Big')`);
  await db.query(
    `INSERT INTO users (id, workspace_id, name, email, role) VALUES ('usr_big', 'ws_big', 'Big Admin', 'big@bench.test', 'admin')`,
  );
  await db.query(`INSERT INTO api_tokens (token_hash, user_id) VALUES (sha256(convert_to('wc_bench_big', 'UTF8')), 'usr_big')`);
  await db.query(
    `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at)
     SELECT 'int_big_' || i, 'ws_big', 'stripe', 'active', 'acct_big_' || i, 'Store ' || i, false, now() FROM generate_series(1, ${BIG_WORKSPACE_INTEGRATIONS}) AS i`,
  );
  await db.query('ANALYZE');
}

/** CPU time a child process has used so far (user + system, from /proc: 10 ms ticks). */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function measureServer(driver: 'pglite' | 'postgres', log: (line: string) => void): Promise<ServerFigures> {
  const work = mkdtempSync(join(tmpdir(), `wc-bench-server-${driver}-`));
  const postgres = driver === 'postgres' ? await startPostgres() : null;
  const storage = postgres
    ? { DATABASE_URL: await postgres.createDatabase(), WORKSPACE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }
    : {};
  const children: ChildProcess[] = [];
  try {
    log(`server (${driver}): seeding ${WORKSPACES} workspaces × ${INTEGRATIONS_EACH} integrations, ${STORED_SESSIONS} sessions…`);
    const { db } = await openStorage({ dataDir: work, databaseUrl: storage.DATABASE_URL, encryptionKey: storage.WORKSPACE_ENCRYPTION_KEY });
    await seed(db);
    await db.close();
    // Three processes, as in production: the clients (this one), the workspace, and Stripe (the
    // emulator, approving at once). On one machine they still share its cores.
    const stripe = await spawnReady('server/dev/emulator-main.ts', { EMULATOR_PORT: '0', EMULATOR_AUTO_APPROVE: 'owner@acme.test' });
    children.push(stripe.child);
    const workspace = await spawnReady('server/dev/main.ts', {
      ...storage,
      DATA_DIR: work,
      PORT: '0',
      EMULATOR_URL: stripe.ready.emulatorUrl!,
      WORKSPACE_RATE_LIMIT: '0',
      // The API's own cost: each completion would otherwise start importing the account's data in
      // this process meanwhile (the import is measured on its own: bench/import.ts).
      WORKSPACE_SYNC: '0',
    });
    children.push(workspace.child);
    const server = { url: workspace.ready.workspaceUrl! };
    const call = (token: string, path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers as object) },
      });
    const tokenOf = (n: number) => `wc_bench_${(n % WORKSPACES) + 1}`;
    const createSession = async (token: string) => {
      const response = await call(token, '/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      });
      if (response.status !== 201) throw new Error(`create session: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; authorizeUrl: string };
    };
    /** A session with the code Stripe (the auto-approving emulator) sends back, ready to complete. */
    const readyToComplete = async (token: string) => {
      const session = await createSession(token);
      const back = new URL((await fetch(session.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
      return {
        token,
        id: session.id,
        body: JSON.stringify({ code: back.searchParams.get('code'), state: back.searchParams.get('state') }),
      };
    };
    const complete = async (ready: { token: string; id: string; body: string }, key: string) => {
      const response = await call(ready.token, `/api/v1/connect-sessions/${ready.id}/complete`, {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: ready.body,
      });
      if (response.status >= 300) throw new Error(`complete: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    };
    const timed = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };

    // Warm up the connections and the query plans.
    for (let n = 0; n < 20; n++) await createSession(tokenOf(n));

    log(`server (${driver}): create-session and complete…`);
    const creations: number[] = [];
    for (let n = 0; n < 200; n++) creations.push(await timed(() => createSession(tokenOf(n * 7))));
    const completions: number[] = [];
    for (let n = 0; n < 100; n++) {
      const ready = await readyToComplete(tokenOf(n * 13));
      completions.push(await timed(() => complete(ready, `bench-complete-${n}`)));
    }

    log(`server (${driver}): 3,000 creations in one workspace…`);
    const growth: number[] = [];
    for (let n = 0; n < 3000; n++) growth.push(await timed(() => createSession('wc_bench_1')));

    log(`server (${driver}): 50 concurrent completions…`);
    const batch = await Promise.all(Array.from({ length: 50 }, (_, n) => readyToComplete(tokenOf(500 + n))));
    const cpuBefore = [cpuMs(workspace.child), cpuMs(stripe.child)];
    const concurrent = await timed(() => Promise.all(batch.map((ready, n) => complete(ready, `bench-concurrent-${n}`))));
    const [workspaceCpu, stripeCpu] = [cpuMs(workspace.child) - cpuBefore[0]!, cpuMs(stripe.child) - cpuBefore[1]!];

    log(`server (${driver}): 304 at ${BIG_WORKSPACE_INTEGRATIONS} integrations…`);
    const etag = (await call('wc_bench_big', '/api/v1/integrations')).headers.get('etag')!;
    const notModified: number[] = [];
    for (let n = 0; n < 100; n++) {
      notModified.push(
        await timed(async () => {
          const response = await call('wc_bench_big', '/api/v1/integrations', { headers: { 'If-None-Match': etag } });
          if (response.status !== 304) throw new Error(`expected 304, got ${response.status}`);
        }),
      );
    }

    const first100 = median(growth.slice(0, 100));
    const last100 = median(growth.slice(-100));
    return {
      driver,
      createSessionMs: round(median(creations)),
      completeMs: round(median(completions)),
      growth: { first100Ms: round(first100), last100Ms: round(last100), ratio: round(last100 / first100) },
      concurrentCompletions50Ms: round(concurrent),
      concurrentCpuMs: { workspace: workspaceCpu, stripe: stripeCpu },
      notModified50kMs: round(median(notModified)),
    };
  } finally {
    for (const child of children) child.kill();
    await Promise.all(children.map((child) => new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)))));
    await postgres?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

/** `node --import tsx bench/server.ts`: the server part alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  for (const driver of ['pglite', 'postgres'] as const) console.log(JSON.stringify(await measureServer(driver, log)));
}
