/**
 * The first import's part of `npm run bench` (issue #16): a 50,000-row Stripe account in the
 * emulator, connected through Stripe Apps, imported by one "sync now" (the test control, which
 * answers once the import is done), on PGlite (a data folder, as `npm start` runs it) and on a
 * PostgreSQL server (scripts/postgres.ts). Every table is then counted: an import that stored a row
 * too many or too few fails the bench. Beside it, the ceiling: the same lists paged through the
 * same `stripe` client (the workspace's gateway) in the same process, storing nothing.
 *
 * `node --import tsx bench/import.ts` runs this part alone and prints its figures and table rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountWithRows } from '../server/dev/emulated-stripe-data';
import { startReferenceServer } from '../server/dev/reference-server';
import { EMULATOR_CLIENT_ID, EMULATOR_SECRET_KEYS, type StripeEmulator } from '../server/dev/stripe-emulator';
import { countRows } from '../server/src/data/sync-state';
import { DEMO_ADMIN_TOKEN } from '../server/src/model';
import { createStripeGateway } from '../server/src/stripe-gateway';
import { SYNCED_OBJECTS, type SyncedObject } from '../server/src/sync/objects';
import { DEVELOPMENT_REDIRECT_URI } from '../scripts/extension-ids';
import { startPostgres } from '../scripts/postgres';

export const IMPORT_ROWS = 50_000;

export interface ImportFigures {
  driver: 'pglite' | 'postgres';
  rows: number;
  /** One sync now, from the request to its answer (the import done). */
  seconds: number;
  rowsPerSecond: number;
  /** Stripe list pages the sync read (`GET /v1/<object>`), as the emulator logged them. */
  listPages: number;
  /** The tables' rows after the import, counted (each equal to the account's, or the bench failed). */
  rowsByObject: Record<SyncedObject, number>;
  /** The ceiling: every list paged through the workspace's `stripe` client, storing nothing. */
  pagingOnly: { seconds: number; rowsPerSecond: number; listPages: number };
  /** The share of the import's time beyond paging: the database and the sync's own work. */
  beyondPagingShare: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Stripe's list calls (not the token exchange, nor reading the account). */
const isListCall = (path: string) => /^\/v1\/(?!oauth\/|account)/.test(path);

/** The list calls the emulator received while `work` ran (its log keeps the last 1,000 requests). */
async function listCallsDuring(emulator: StripeEmulator, work: () => Promise<void>): Promise<number> {
  const before = new Set(emulator.requests);
  await work();
  const during = emulator.requests.filter((request) => !before.has(request));
  if (during.length === emulator.requests.length && during.length >= 1000)
    throw new Error('the emulator logged 1,000 requests or more: its log (the last 1,000) cannot count these pages');
  return during.filter((request) => isListCall(request.path)).length;
}

export async function measureImport(driver: 'pglite' | 'postgres', log: (line: string) => void): Promise<ImportFigures> {
  const work = mkdtempSync(join(tmpdir(), `wc-bench-import-${driver}-`));
  const postgres = driver === 'postgres' ? await startPostgres() : null;
  const account = accountWithRows(IMPORT_ROWS);
  const expected = account.data as Record<SyncedObject, number>;
  const server = await startReferenceServer({
    dataDir: work,
    ...(postgres ? { databaseUrl: await postgres.createDatabase(), encryptionKey: Buffer.alloc(32, 1).toString('base64') } : {}),
    testControls: true,
    // Approving at once for the benchmark account, without the sign-in page.
    emulator: { accounts: [account], autoApprove: account.email },
    rateLimit: { writes: 0 },
  });
  try {
    const emulator = server.emulator!;
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers as object) },
      });

    // Connect it as the extension does (Stripe Apps, the workspace's default live mode).
    log(`import (${driver}): connecting ${account.id} (${IMPORT_ROWS.toLocaleString('en')} rows)…`);
    const created = await api('/api/v1/connect-sessions', {
      method: 'POST',
      body: JSON.stringify({ provider: 'stripe', redirectUri: DEVELOPMENT_REDIRECT_URI }),
    });
    if (created.status !== 201) throw new Error(`create session: ${created.status} ${await created.text()}`);
    const session = (await created.json()) as { id: string; authorizeUrl: string };
    const back = new URL((await fetch(session.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    const completed = await api(`/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': `bench-import-${driver}` },
      body: JSON.stringify({ code: back.searchParams.get('code'), state: back.searchParams.get('state') }),
    });
    if (!completed.ok) throw new Error(`complete: ${completed.status} ${await completed.text()}`);
    const integration = (await completed.json()) as { id: string; stripeAccountId: string; stripeMode?: string };
    if (integration.stripeAccountId !== account.id) throw new Error(`connected ${integration.stripeAccountId}, not ${account.id}`);

    // The ceiling: the gateway's own `list` (the `stripe` package's auto-pagination, the same
    // parameters), pointed at the same emulator with the access token just issued. A first pass warms
    // the emulator's and the package's code up, for this measure and the import after it alike.
    const [accessToken] = emulator.issuedTokens();
    const gateway = createStripeGateway({
      provider: 'stripe-app',
      modes: { live: { secretKey: EMULATOR_SECRET_KEYS.live, clientId: EMULATOR_CLIENT_ID } },
      emulatorUrl: emulator.url,
    });
    const pageThrough = async () => {
      for (const object of SYNCED_OBJECTS) {
        let rows = 0;
        for await (const _ of gateway.list('live', { stripeUserId: account.id, accessToken: accessToken! }, object, { after: null }))
          rows++;
        if (rows !== expected[object]) throw new Error(`paging ${object}: ${rows} rows, the account holds ${expected[object]}`);
      }
    };
    log(`import (${driver}): paging through every list with no database…`);
    await pageThrough();
    const pagingStart = performance.now();
    const pagingPages = await listCallsDuring(emulator, pageThrough);
    const pagingSeconds = (performance.now() - pagingStart) / 1000;

    log(`import (${driver}): one sync now, the first import…`);
    let status = 0;
    let answer = '';
    const start = performance.now();
    const listPages = await listCallsDuring(emulator, async () => {
      const response = await fetch(`${server.url}/__test/integrations/${integration.id}/sync`, { method: 'POST' });
      status = response.status;
      answer = await response.text();
    });
    const seconds = (performance.now() - start) / 1000;
    if (status !== 200) throw new Error(`sync now: ${status} ${answer}`);
    const synced = JSON.parse(answer) as { status: string };
    if (synced.status !== 'active') throw new Error(`after the import the integration is ${synced.status}: ${answer}`);

    // Every table holds exactly the account's rows.
    const rowsByObject = Object.fromEntries(
      await Promise.all(SYNCED_OBJECTS.map(async (object) => [object, await countRows(server.db, integration.id, object)] as const)),
    ) as Record<SyncedObject, number>;
    const wrong = SYNCED_OBJECTS.filter((object) => rowsByObject[object] !== expected[object]);
    const total = SYNCED_OBJECTS.reduce((sum, object) => sum + rowsByObject[object], 0);
    if (wrong.length > 0 || total !== IMPORT_ROWS)
      throw new Error(
        `the import stored ${total} rows, not ${IMPORT_ROWS}: ${wrong.map((o) => `${o} ${rowsByObject[o]} (expected ${expected[o]})`).join(', ')}`,
      );

    return {
      driver,
      rows: total,
      seconds: round(seconds),
      rowsPerSecond: Math.round(total / seconds),
      listPages,
      rowsByObject,
      pagingOnly: { seconds: round(pagingSeconds), rowsPerSecond: Math.round(total / pagingSeconds), listPages: pagingPages },
      beyondPagingShare: round(1 - pagingSeconds / seconds),
    };
  } finally {
    await server.close();
    await postgres?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

const DRIVER_NAMES = { pglite: 'PGlite', postgres: 'PostgreSQL' } as const;
const thousands = (n: number) => n.toLocaleString('en');

/** The report's rows (docs/PERFORMANCE.md), in its table's columns: figure, measured, baseline, goal, verdict. */
export function importRows(figures: ImportFigures[]): string[] {
  if (figures.length === 0) return [];
  const byDriver = (pick: (f: ImportFigures) => string) => figures.map((f) => `${DRIVER_NAMES[f.driver]} ${pick(f)}`).join('; ');
  return [
    `| server: first import of a ${thousands(IMPORT_ROWS)}-row Stripe account (${SYNCED_OBJECTS.length} objects, Stripe Apps), one sync now until answered; every table counted | ${byDriver((f) => `${thousands(f.rowsPerSecond)} rows/s (${f.seconds} s, ${f.listPages} list pages)`)} | in each run, the same lists paged through the workspace's \`stripe\` client with nothing stored: ${byDriver((f) => `${thousands(f.pagingOnly.rowsPerSecond)} rows/s (${f.pagingOnly.seconds} s, ${f.pagingOnly.listPages} pages)`)} | report | — |`,
    `| … share of the import's time beyond paging (the database and the sync's own work) | ${byDriver((f) => `${Math.round(f.beyondPagingShare * 100)} %`)} | — | report | — |`,
  ];
}

/** `node --import tsx bench/import.ts`: the import part alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const figures: ImportFigures[] = [];
  for (const driver of ['pglite', 'postgres'] as const) {
    figures.push(await measureImport(driver, log));
    console.log(JSON.stringify(figures.at(-1)));
  }
  console.log(importRows(figures).join('\n'));
}
