/**
 * Test and demo controls under `/__test` (WORKSPACE_TEST_CONTROLS=1): break integrations the ways
 * real ones break, inject faults, read the request log. Each break happens as it does with real
 * Stripe. Outside the production module graph: only the reference server mounts it.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import type { WorkspaceServices } from '../src/context';
import { findIntegration } from '../src/data/integrations';
import { touchWorkspaces } from '../src/data/workspaces';
import { HttpError, jsonResponse, readJson } from '../src/problems';
import { pickLanguage } from '../src/reasons';
import { parseBody } from '../src/requests';
import { presentIntegration } from '../src/routes/integrations';
import { syncIntegration, type SyncSettings } from '../src/sync';
import { createFaultInjector } from './faults';
import { refreshDueTokens } from '../src/token-refresh';
import { BreakRequest, ClockRequest, FaultRequest, SeedRequest } from './test-control-requests';

export interface TestControls {
  routes: Hono;
  /** In front of the API: logs each request and applies armed faults. */
  middleware: MiddlewareHandler<{ Bindings: HttpBindings }>;
}

export interface TestControlOptions {
  emulatorUrl: string;
  /** Where seeded integrations go. */
  defaultWorkspaceId: string;
  /** Moves the workspace's clock and the emulator's together. */
  advanceClock(ms: number): Promise<void>;
  /** How "sync now" runs (the server's sync timing). */
  syncSettings: SyncSettings;
}

export function createTestControls(services: WorkspaceServices, options: TestControlOptions): TestControls {
  const { emulatorUrl, defaultWorkspaceId } = options;
  const { db } = services;
  /**
   * Every API request answered: with the validator it sent (If-None-Match) and the bytes of the
   * answer on the wire, status line and headers included (the benchmark's cost of a check).
   */
  const requestLog: Array<{ method: string; path: string; status: number; at: string; ifNoneMatch: string | null; responseBytes: number }> =
    [];
  /** API requests still being handled (a delayed one whose client went away included). */
  let inFlight = 0;
  const faults = createFaultInjector();
  const iso = () => new Date(services.now()).toISOString();

  const middleware: MiddlewareHandler<{ Bindings: HttpBindings }> = async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith('/__test/')) return next();
    const res = c.env.outgoing;
    // One request at a time per connection (HTTP/1.1): what the socket sent meanwhile is this answer.
    const socket = res.socket;
    const sentBefore = socket?.bytesWritten ?? 0;
    const ifNoneMatch = c.req.header('if-none-match') ?? null;
    res.once('close', () => {
      requestLog.push({
        method: c.req.method,
        path,
        status: res.statusCode,
        at: iso(),
        ifNoneMatch,
        responseBytes: (socket?.bytesWritten ?? sentBefore) - sentBefore,
      });
      if (requestLog.length > 1000) requestLog.shift();
    });
    inFlight += 1;
    try {
      return await faults.middleware(c, next);
    } finally {
      inFlight -= 1;
    }
  };

  async function workspaceOf(integrationId: string): Promise<{ workspaceId: string; stripeAccountId: string }> {
    const [row] = await db.query<{ workspace_id: string; stripe_account_id: string }>(
      'SELECT workspace_id, stripe_account_id FROM integrations WHERE id = $1',
      [integrationId],
    );
    if (!row) throw new HttpError(404, 'integration_not_found', 'Integration not found');
    return { workspaceId: row.workspace_id, stripeAccountId: row.stripe_account_id };
  }

  async function emulatorControl(accountId: string, action: string) {
    const response = await fetch(`${emulatorUrl}/__emulator/accounts/${accountId}/${action}`, { method: 'POST' });
    if (!response.ok) throw new HttpError(502, 'emulator_error', 'Emulator refused', await response.text());
  }

  const routes = new Hono();
  routes
    .get('/requests', () => jsonResponse(200, { requests: requestLog, inFlight }))
    .delete('/requests', () => {
      requestLog.length = 0;
      return new Response(null, { status: 204 });
    })
    .post('/clock', async (c) => {
      // Time passing: access tokens age, sessions expire, refreshes fall due.
      const { advanceSeconds } = parseBody(ClockRequest, await readJson(c.req.raw));
      await options.advanceClock(advanceSeconds * 1000);
      return jsonResponse(200, { now: iso() });
    })
    .post('/refresh', async () => jsonResponse(200, await refreshDueTokens(services)))
    .get('/faults', () => jsonResponse(200, { faults: faults.list() }))
    .post('/faults', async (c) => {
      faults.arm(parseBody(FaultRequest, await readJson(c.req.raw)));
      return jsonResponse(201, { faults: faults.list() });
    })
    .delete('/faults', () => {
      faults.clear();
      return new Response(null, { status: 204 });
    })
    .delete('/integrations', async () => {
      // Benchmarks: start again from an empty list.
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM integrations WHERE workspace_id = $1', [defaultWorkspaceId]);
        await touchWorkspaces(tx, [defaultWorkspaceId]);
      });
      return new Response(null, { status: 204 });
    })
    .post('/integrations/seed', async (c) => {
      // Benchmarks and long lists: many integrations at once, every tenth one broken.
      const { count = 10 } = parseBody(SeedRequest, await readJson(c.req.raw));
      const total = await db.transaction(async (tx) => {
        const [{ existing } = { existing: 0 }] = await tx.query<{ existing: number }>(
          "SELECT count(*)::int AS existing FROM integrations WHERE workspace_id = $1 AND id LIKE 'int_seed%'",
          [defaultWorkspaceId],
        );
        await tx.query(
          `INSERT INTO integrations (id, workspace_id, provider, status, stripe_account_id, stripe_account_name, livemode, connected_at, last_sync_at, problem_code)
           SELECT 'int_seed' || lpad(n::text, 5, '0'), $1, 'stripe', CASE WHEN n % 10 = 0 THEN 'expired' ELSE 'active' END,
                  'acct_seed' || lpad(n::text, 9, '0'), 'Seeded Store ' || n, n % 2 = 0, $2, $2, CASE WHEN n % 10 = 0 THEN 'expired' END
             FROM generate_series($3::int, $4::int) AS n`,
          [defaultWorkspaceId, iso(), existing, existing + count - 1],
        );
        await touchWorkspaces(tx, [defaultWorkspaceId]);
        const [{ total: all } = { total: 0 }] = await tx.query<{ total: number }>(
          'SELECT count(*)::int AS total FROM integrations WHERE workspace_id = $1',
          [defaultWorkspaceId],
        );
        return all;
      });
      return jsonResponse(201, { count: total });
    })
    .post('/integrations/:id/sync', async (c) => {
      const { workspaceId } = await workspaceOf(c.req.param('id'));
      const synced = await syncIntegration(services, workspaceId, c.req.param('id'), options.syncSettings);
      return jsonResponse(200, presentIntegration(synced, pickLanguage(c.req.header('accept-language'))));
    })
    .post('/integrations/:id/break', async (c) => {
      const integrationId = c.req.param('id');
      const { workspaceId, stripeAccountId } = await workspaceOf(integrationId);
      const { how } = parseBody(BreakRequest, await readJson(c.req.raw));
      if (how === 'revoked') {
        // The merchant disconnects in Stripe; Stripe tells us through the webhook.
        await emulatorControl(stripeAccountId, 'disconnect');
      } else if (how === 'expired') {
        // The tokens stop working (as after a reused code), refresh tokens included; the next sync finds out.
        await emulatorControl(stripeAccountId, 'revoke-tokens');
        await syncIntegration(services, workspaceId, integrationId, options.syncSettings);
      } else {
        await emulatorControl(stripeAccountId, 'fail-api');
        await syncIntegration(services, workspaceId, integrationId, options.syncSettings);
        await emulatorControl(stripeAccountId, 'restore-api');
      }
      const after = await findIntegration(db, workspaceId, integrationId);
      if (!after) throw new HttpError(404, 'integration_not_found', 'Integration not found');
      return jsonResponse(200, presentIntegration(after, pickLanguage(c.req.header('accept-language'))));
    });

  return { routes, middleware };
}
