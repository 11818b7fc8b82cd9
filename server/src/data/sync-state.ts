/**
 * What the sync keeps per integration: the Stripe rows in their tables, each object's progress and
 * last error, the events cursor, and the one sync under way. A sync claims its integration with a
 * conditional update (every instance on the database sees it) and moves the claim on with every
 * page it stores, in the same transaction as the page: a page is stored whole with its cursor or
 * not at all, so a sync killed at any point goes on after the last stored row, with no duplicate
 * and no gap.
 */
import type { Database, Queryable } from '../db/database';
import { SYNCED_OBJECTS, tableOf, type StripeRecord, type SyncedObject } from '../sync/objects';
import { touchWorkspaces } from './workspaces';

export type ObjectErrorCode = 'permission_missing' | 'sync_failed';

export interface ObjectSyncState {
  object: SyncedObject;
  rows: number;
  importCursor: string | null;
  expectedRows: number | null;
  imported: boolean;
  lastSuccessAt: string | null;
  error: { code: ObjectErrorCode; detail: string | null } | null;
}

export interface SyncState {
  eventsCursor: string | null;
  importStartedAt: string | null;
  importedAt: string | null;
  accountCreatedAt: string | null;
  /** In `SYNCED_OBJECTS` order; empty before the first import starts. */
  objects: ObjectSyncState[];
}

/** Who holds a sync: the integration, and the claim's token. */
export interface SyncClaim {
  integrationId: string;
  token: string;
}

/** The sync under way lost its claim (it ran past `claimed_until` and another took over): it stops. */
export class SyncClaimLost extends Error {
  constructor(integrationId: string) {
    super(`sync of ${integrationId} was taken over`);
  }
}

interface ObjectRow {
  integration_id: string;
  object: SyncedObject;
  row_count: number;
  import_cursor: string | null;
  expected_rows: number | null;
  imported: boolean;
  last_success_at: Date | null;
  error_code: ObjectErrorCode | null;
  error_detail: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
const order = (object: SyncedObject) => SYNCED_OBJECTS.indexOf(object);

const objectFromRow = (row: ObjectRow): ObjectSyncState => ({
  object: row.object,
  rows: row.row_count,
  importCursor: row.import_cursor,
  expectedRows: row.expected_rows,
  imported: row.imported,
  lastSuccessAt: iso(row.last_success_at),
  error: row.error_code ? { code: row.error_code, detail: row.error_detail } : null,
});

/** Makes an integration's sync due at `at` (a connection or reauthentication: at once). */
export async function syncDue(tx: Queryable, integrationId: string, at: string): Promise<void> {
  await tx.query(
    `INSERT INTO syncs (integration_id, due_at) VALUES ($1, $2)
     ON CONFLICT (integration_id) DO UPDATE SET due_at = LEAST(syncs.due_at, EXCLUDED.due_at), failures = 0`,
    [integrationId, at],
  );
}

/**
 * Claims the sync of `integrationId`, or of the integration whose sync is most overdue, unless
 * another holds it. Only integrations Stripe may still answer for (active, or failing) are synced:
 * revoked and expired ones wait for the admin.
 */
export async function claimSync(
  db: Queryable,
  claim: { token: string; now: string; until: string; integrationId?: string },
): Promise<{ integrationId: string; workspaceId: string } | null> {
  const [row] = await db.query<{ integration_id: string; workspace_id: string }>(
    `UPDATE syncs SET claim = $1, claimed_until = $2
      WHERE integration_id = (
        SELECT s.integration_id FROM syncs s JOIN integrations i ON i.id = s.integration_id
         WHERE (s.claim IS NULL OR s.claimed_until < $3)
           AND ${claim.integrationId ? 's.integration_id = $4' : "s.due_at <= $3 AND i.status IN ('active', 'error')"}
         ORDER BY s.due_at LIMIT 1
         FOR UPDATE OF s SKIP LOCKED)
      RETURNING integration_id, (SELECT workspace_id FROM integrations WHERE id = syncs.integration_id)`,
    [claim.token, claim.until, claim.now, ...(claim.integrationId ? [claim.integrationId] : [])],
  );
  return row ? { integrationId: row.integration_id, workspaceId: row.workspace_id } : null;
}

/** Ends a sync: due again at `dueAt`; `failed` counts towards the backoff, a success resets it. */
export async function releaseSync(db: Queryable, claim: SyncClaim, next: { dueAt: string; failed: boolean }): Promise<void> {
  await db.query(
    `UPDATE syncs SET claim = NULL, claimed_until = NULL, due_at = $3,
            failures = CASE WHEN $4::boolean THEN failures + 1 ELSE 0 END
      WHERE integration_id = $1 AND claim = $2`,
    [claim.integrationId, claim.token, next.dueAt, next.failed],
  );
}

/** Failed syncs in a row of an integration. */
export async function syncFailures(db: Queryable, integrationId: string): Promise<number> {
  const [row] = await db.query<{ failures: number }>('SELECT failures FROM syncs WHERE integration_id = $1', [integrationId]);
  return row?.failures ?? 0;
}

/** Moves the claim on; throws `SyncClaimLost` when it is no longer this sync's. */
async function holdClaim(tx: Queryable, claim: SyncClaim, until: string): Promise<void> {
  const held = await tx.query('UPDATE syncs SET claimed_until = $3 WHERE integration_id = $1 AND claim = $2 RETURNING 1', [
    claim.integrationId,
    claim.token,
    until,
  ]);
  if (held.length === 0) throw new SyncClaimLost(claim.integrationId);
}

export async function readSyncState(db: Queryable, integrationId: string): Promise<SyncState | null> {
  return (await syncStatesOf(db, [integrationId])).get(integrationId) ?? null;
}

/** The sync state of several integrations at once (a page of the list), by integration id. */
export async function syncStatesOf(db: Queryable, integrationIds: readonly string[]): Promise<Map<string, SyncState>> {
  const states = new Map<string, SyncState>();
  if (integrationIds.length === 0) return states;
  const syncs = await db.query<{
    integration_id: string;
    events_cursor: string | null;
    import_started_at: Date | null;
    imported_at: Date | null;
    account_created_at: Date | null;
  }>(
    'SELECT integration_id, events_cursor, import_started_at, imported_at, account_created_at FROM syncs WHERE integration_id = ANY($1::text[])',
    [integrationIds],
  );
  for (const sync of syncs) {
    states.set(sync.integration_id, {
      eventsCursor: sync.events_cursor,
      importStartedAt: iso(sync.import_started_at),
      importedAt: iso(sync.imported_at),
      accountCreatedAt: iso(sync.account_created_at),
      objects: [],
    });
  }
  const objects = await db.query<ObjectRow>('SELECT * FROM sync_objects WHERE integration_id = ANY($1::text[])', [integrationIds]);
  for (const row of objects) states.get(row.integration_id)?.objects.push(objectFromRow(row));
  for (const state of states.values()) state.objects.sort((a, b) => order(a.object) - order(b.object));
  return states;
}

/**
 * Starts the first import: the events cursor taken before any row is read (every change from here
 * on is an event after it), and one progress row per object.
 */
export async function startImport(
  db: Queryable,
  integrationId: string,
  start: { eventsCursor: string | null; accountCreatedAt: string | null; at: string },
): Promise<void> {
  await db.query(
    `WITH started AS (
       UPDATE syncs SET events_cursor = $2, account_created_at = $3, import_started_at = $4
        WHERE integration_id = $1 AND import_started_at IS NULL RETURNING integration_id)
     INSERT INTO sync_objects (integration_id, object)
     SELECT integration_id, object FROM started, unnest($5::text[]) AS object
     ON CONFLICT DO NOTHING`,
    [integrationId, start.eventsCursor, start.accountCreatedAt, start.at, [...SYNCED_OBJECTS]],
  );
}

/** Upserts rows into an object's table; answers how many were new. */
async function storeRows(
  tx: Queryable,
  target: { workspaceId: string; integrationId: string; object: SyncedObject },
  records: readonly StripeRecord[],
  at: string,
): Promise<number> {
  if (records.length === 0) return 0;
  // One statement per page, the rows as one JSON array (both drivers pass it the same way).
  const rows = await tx.query<{ inserted: boolean }>(
    `INSERT INTO ${tableOf(target.object)} (integration_id, id, workspace_id, created, livemode, data, synced_at)
     SELECT $1, row->>'id', $2, to_timestamp(COALESCE((row->>'created')::bigint, 0)), COALESCE((row->>'livemode')::boolean, false), row, $4
       FROM jsonb_array_elements($3::jsonb) AS row
     ON CONFLICT (integration_id, id) DO UPDATE
       SET created = EXCLUDED.created, livemode = EXCLUDED.livemode, data = EXCLUDED.data, synced_at = EXCLUDED.synced_at
     RETURNING (xmax = 0) AS inserted`,
    [target.integrationId, target.workspaceId, JSON.stringify(records), at],
  );
  return rows.filter((row) => row.inserted).length;
}

async function deleteRows(tx: Queryable, integrationId: string, object: SyncedObject, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const deleted = await tx.query(`DELETE FROM ${tableOf(object)} WHERE integration_id = $1 AND id = ANY($2::text[]) RETURNING id`, [
    integrationId,
    ids,
  ]);
  return deleted.length;
}

export interface ImportPage {
  workspaceId: string;
  object: SyncedObject;
  records: readonly StripeRecord[];
  /** About how many rows there are, as a multiple of the rows stored (sync/objects.ts `importScale`). */
  scale: number | null;
  /** The list ended with this page. */
  done: boolean;
  at: string;
  claimUntil: string;
}

/**
 * One page stored by the sync holding `claim`, in one transaction: the claim moved on first (a sync
 * that lost it stores nothing), the list's version moved on last.
 */
function inClaimedPage<T>(
  db: Pick<Database, 'transaction'>,
  claim: SyncClaim,
  page: { workspaceId: string; claimUntil: string },
  work: (tx: Queryable) => Promise<T>,
) {
  return db.transaction(async (tx) => {
    await holdClaim(tx, claim, page.claimUntil);
    const result = await work(tx);
    await touchWorkspaces(tx, [page.workspaceId]);
    return result;
  });
}

/** Stores one page of a first import with its cursor and progress. */
export async function storeImportPage(db: Pick<Database, 'transaction'>, claim: SyncClaim, page: ImportPage): Promise<void> {
  await inClaimedPage(db, claim, page, async (tx) => {
    const target = { workspaceId: page.workspaceId, integrationId: claim.integrationId, object: page.object };
    const inserted = await storeRows(tx, target, page.records, page.at);
    await tx.query(
      `UPDATE sync_objects
          SET row_count = row_count + $3, import_cursor = COALESCE($4, import_cursor), imported = $5,
              expected_rows = CASE WHEN $5 THEN row_count + $3
                                   ELSE COALESCE(round((row_count + $3) * $6::float8)::int, expected_rows) END,
              last_success_at = CASE WHEN $5 THEN $7::timestamptz ELSE last_success_at END,
              error_code = NULL, error_detail = NULL
        WHERE integration_id = $1 AND object = $2`,
      [claim.integrationId, page.object, inserted, page.records.at(-1)?.id ?? null, page.done, page.scale, page.at],
    );
  });
}

export interface EventsPage {
  workspaceId: string;
  /** Oldest first, as they happened. */
  events: readonly StripeRecord[];
  /** What each event changes, for the objects whose first import is done (the others still get every row). */
  changes: ReadonlyArray<{ object: Exclude<SyncedObject, 'events'>; record: StripeRecord; deleted: boolean }>;
  at: string;
  claimUntil: string;
}

/**
 * Stores a page of events and applies what they changed, with the events cursor, in one
 * transaction. An event applied twice (after a crash) writes the same row again.
 */
export async function storeEventsPage(db: Pick<Database, 'transaction'>, claim: SyncClaim, page: EventsPage): Promise<void> {
  await inClaimedPage(db, claim, page, async (tx) => {
    const { integrationId } = claim;
    const deltas = new Map<SyncedObject, number>();
    const add = (object: SyncedObject, delta: number) => deltas.set(object, (deltas.get(object) ?? 0) + delta);
    add('events', await storeRows(tx, { workspaceId: page.workspaceId, integrationId, object: 'events' }, page.events, page.at));
    // The latest state of each object in the page wins: events are applied in order.
    for (const change of page.changes) {
      const target = { workspaceId: page.workspaceId, integrationId, object: change.object };
      if (change.deleted) add(change.object, -(await deleteRows(tx, integrationId, change.object, [change.record.id])));
      else add(change.object, await storeRows(tx, target, [change.record], page.at));
    }
    for (const [object, delta] of deltas) {
      if (delta === 0) continue;
      await tx.query('UPDATE sync_objects SET row_count = row_count + $3 WHERE integration_id = $1 AND object = $2', [
        integrationId,
        object,
        delta,
      ]);
    }
    const last = page.events.at(-1);
    if (last) await tx.query('UPDATE syncs SET events_cursor = $2 WHERE integration_id = $1', [integrationId, last.id]);
  });
}

/** An object's sync met an error (the import goes on with the other objects). */
export async function setObjectError(
  db: Queryable,
  target: { workspaceId: string; integrationId: string; object: SyncedObject },
  error: { code: ObjectErrorCode; detail: string },
): Promise<void> {
  const changed = await db.query(
    `UPDATE sync_objects SET error_code = $3, error_detail = $4
      WHERE integration_id = $1 AND object = $2 AND (error_code IS DISTINCT FROM $3 OR error_detail IS DISTINCT FROM $4)
      RETURNING 1`,
    [target.integrationId, target.object, error.code, error.detail],
  );
  if (changed.length > 0) await touchWorkspaces(db, [target.workspaceId]);
}

/** A sync went through: the first import is done (when every object's is), every readable object is synced as of `at`. */
export async function markSynced(db: Queryable, integrationId: string, at: string): Promise<void> {
  await db.query(
    `UPDATE sync_objects SET last_success_at = $2, error_code = NULL, error_detail = NULL
      WHERE integration_id = $1 AND imported AND error_code IS DISTINCT FROM 'permission_missing'`,
    [integrationId, at],
  );
  await db.query(
    `UPDATE syncs SET imported_at = $2
      WHERE integration_id = $1 AND imported_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM sync_objects WHERE integration_id = $1 AND NOT imported AND error_code IS DISTINCT FROM 'permission_missing')`,
    [integrationId, at],
  );
}

/** Rows of an object's table for one integration (tests and the benchmark compare it with the reported count). */
export async function countRows(db: Queryable, integrationId: string, object: SyncedObject): Promise<number> {
  const [row] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${tableOf(object)} WHERE integration_id = $1`, [
    integrationId,
  ]);
  return row?.count ?? 0;
}
