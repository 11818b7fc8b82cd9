/**
 * `GET /api/v1/integrations` (paginated, with an ETag from the workspace's version counter) and
 * `DELETE /api/v1/integrations/{id}`.
 */
import { Hono } from 'hono';
import { requireAdmin } from '../auth';
import type { ApiEnv, WorkspaceServices } from '../context';
import { findIntegration, listIntegrations, removeIntegration } from '../data/integrations';
import { workspaceVersion } from '../data/workspaces';
import { syncStatesOf, type SyncState } from '../data/sync-state';
import type { Integration, IntegrationSync, StoredIntegration } from '../model';
import { HttpError, jsonResponse } from '../problems';
import { describeProblem, describeSyncError, type Language } from '../reasons';

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 500;

export function presentIntegration(stored: StoredIntegration, language: Language, sync: SyncState | null = null): Integration {
  const { problem, oauth: _oauth, stripeMode: _mode, ...rest } = stored;
  return { ...rest, reason: describeProblem(problem, language), sync: sync && presentSync(sync, language) };
}

/** What the sync has done, per object: the first import's progress, then rows and the last success. */
function presentSync(sync: SyncState, language: Language): IntegrationSync {
  return {
    importing: sync.importedAt === null,
    objects: sync.objects.map((progress) => ({
      name: progress.object,
      rows: progress.rows,
      importing: !progress.imported,
      expectedRows: progress.expectedRows,
      lastSuccessAt: progress.lastSuccessAt,
      error: progress.error && { code: progress.error.code, message: describeSyncError(progress.error.code, progress.object, language) },
    })),
  };
}

/** An opaque cursor: the position of the page's last row. */
const encodeCursor = (after: string) => Buffer.from(`seq:${after}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const match = /^seq:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new HttpError(422, 'invalid_cursor', 'Invalid cursor', 'Use the nextCursor of a previous page.');
  return match[1];
}

function pageSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(text);
  if (!/^\d+$/.test(text) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new HttpError(422, 'invalid_limit', 'Invalid limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return size;
}

export function integrationRoutes(services: WorkspaceServices) {
  const { db, stripe } = services;
  return new Hono<ApiEnv>()
    .get('/', async (c) => {
      const caller = c.get('caller');
      const language = c.get('language');
      const limit = pageSize(c.req.query('limit'));
      const cursor = c.req.query('cursor');
      const after = cursor === undefined ? null : decodeCursor(cursor);
      // The version changes with every change to the list, so it names this list exactly; the
      // reasons are worded per language, so the language is part of the name too.
      const etag = `"v${await workspaceVersion(db, caller.workspaceId)}-${language}"`;
      const headers = { ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Language' };
      if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
      const page = await listIntegrations(db, caller.workspaceId, { after, limit });
      const syncs = await syncStatesOf(
        db,
        page.integrations.map((integration) => integration.id),
      );
      return jsonResponse(
        200,
        {
          integrations: page.integrations.map((integration) =>
            presentIntegration(integration, language, syncs.get(integration.id) ?? null),
          ),
          nextCursor: page.after === null ? null : encodeCursor(page.after),
        },
        headers,
      );
    })
    .delete('/:id', async (c) => {
      const caller = c.get('caller');
      requireAdmin(caller);
      const integration = await findIntegration(db, caller.workspaceId, c.req.param('id'));
      if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
      try {
        await stripe.giveBack(integration.stripeMode, integration.stripeAccountId);
      } catch {
        // Already disconnected at Stripe: removing it here is still what the admin asked for.
      }
      await db.transaction((tx) => removeIntegration(tx, caller.workspaceId, integration.id));
      return new Response(null, { status: 204 });
    });
}
