/**
 * One sync of an integration's Stripe data. The first time, a full import: every object's list,
 * newest first, a page at a time, each page stored with its cursor (data/sync-state.ts), so a sync
 * that stops anywhere goes on after the last stored row. After that, incremental: the events since
 * the cursor, oldest first, each applied to its object's table. Stripe's rate limit (429) is waited
 * out with backoff; an object the connection may not read is marked and the others go on.
 */
import { findCredentials } from '../data/credentials';
import {
  markSynced,
  readSyncState,
  setObjectError,
  startImport,
  storeEventsPage,
  storeImportPage,
  type SyncClaim,
  type SyncState,
} from '../data/sync-state';
import type { WorkspaceServices } from '../context';
import type { StoredIntegration } from '../model';
import { err, ok } from '../../../src/shared/result';
import { PAGE_SIZE, StripeCallError, type ListFrom, type StripeCredentials, type SyncFailure, type SyncOutcome } from '../stripe-gateway';
import { refreshIntegration } from '../token-refresh';
import { changeOf, importScale, type StripeRecord, type SyncedObject } from './objects';

export interface SyncTiming {
  /** The first wait after a 429; it doubles with each one in a row. */
  rateLimitBaseMs: number;
  /** 429s in a row before the sync gives up until its next turn. */
  rateLimitRetries: number;
  /** How long a claim lasts without a stored page (a killed instance's sync is taken over after it). */
  claimMs: number;
}

export const DEFAULT_SYNC_TIMING: SyncTiming = { rateLimitBaseMs: 1000, rateLimitRetries: 6, claimMs: 60_000 };

/** The wait before retry `attempt` (0-based) after a 429: doubling, jittered by ±25 %. */
export function rateLimitDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * 2 ** attempt * (0.75 + random() / 2));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The instance is shutting down: the sync stops between pages, and the next start goes on from there. */
export class SyncStopped extends Error {}

export async function runSync(
  services: WorkspaceServices,
  workspaceId: string,
  integration: StoredIntegration,
  claim: SyncClaim,
  timing: SyncTiming = DEFAULT_SYNC_TIMING,
  signal?: AbortSignal,
): Promise<SyncOutcome> {
  const { db, stripe, now } = services;
  const mode = integration.stripeMode;
  const at = () => new Date(now()).toISOString();
  const claimUntil = () => {
    if (signal?.aborted) throw new SyncStopped();
    return new Date(now() + timing.claimMs).toISOString();
  };

  let credentials = await credentialsOf(services, integration);
  let refreshed = false;
  /** Pages stored so far in this sync: a 429 after progress starts its backoff afresh. */
  let pagesStored = 0;
  /**
   * Runs `step` from its last stored point until it finishes: 429s are waited out (the step goes on
   * from its cursor), an access token that ran out is refreshed once; anything else is the answer.
   */
  async function withRetries(step: (credentials: StripeCredentials) => Promise<void>): Promise<SyncOutcome> {
    for (let limited = 0; ;) {
      const storedBefore = pagesStored;
      try {
        await step(credentials);
        return ok(null);
      } catch (error) {
        if (!(error instanceof StripeCallError)) throw error;
        const failure: SyncFailure = error.failure;
        // "In a row": pages stored since the last 429 reset the count.
        if (pagesStored > storedBefore) limited = 0;
        if (failure.kind === 'rate_limited' && limited < timing.rateLimitRetries) {
          await sleep(rateLimitDelayMs(limited++, timing.rateLimitBaseMs));
          continue;
        }
        if (failure.kind === 'token_expired' && !refreshed) {
          refreshed = true;
          // Another refresh may hold it: the credentials are read again either way.
          await refreshIntegration(services, integration.id, { force: true });
          credentials = await credentialsOf(services, integration);
          continue;
        }
        return err(failure);
      }
    }
  }

  let state = await readSyncState(db, integration.id);
  if (!state?.importStartedAt) {
    // Before any row is read: every change from here on is an event after this one.
    let newestEvent: string | null = null;
    const started = await withRetries(async (current) => {
      newestEvent = await firstId(stripe.list(mode, current, 'events', { after: null }));
    });
    if (!started.ok && started.error.kind !== 'permission_missing') return started;
    const accountCreatedAt = await stripe.accountCreatedAt(mode, credentials);
    await startImport(db, integration.id, {
      eventsCursor: newestEvent,
      accountCreatedAt: accountCreatedAt === null ? null : new Date(accountCreatedAt).toISOString(),
      at: at(),
    });
    state = await readSyncState(db, integration.id);
  }
  if (!state) return ok(null);

  const importStartedAt = state.importStartedAt ? Date.parse(state.importStartedAt) : now();
  const accountCreatedAt = state.accountCreatedAt === null ? null : Date.parse(state.accountCreatedAt);
  for (const progress of state.objects) {
    if (progress.imported) continue;
    const { object } = progress;
    let cursor = progress.importCursor;
    const outcome = await withRetries(async (current) => {
      const store = async (records: StripeRecord[], done: boolean) => {
        const last = records.at(-1);
        await storeImportPage(db, claim, {
          workspaceId,
          object,
          records,
          scale: importScale({
            startedAt: importStartedAt,
            lastCreatedAt: typeof last?.created === 'number' ? last.created * 1000 : null,
            accountCreatedAt,
          }),
          done,
          at: at(),
          claimUntil: claimUntil(),
        });
        cursor = last?.id ?? cursor;
        pagesStored += 1;
      };
      let page: StripeRecord[] = [];
      let storing: Promise<void> | null = null;
      try {
        for await (const record of stripe.list(mode, current, object, { after: cursor })) {
          page.push(record);
          if (page.length < PAGE_SIZE) continue;
          const full = page;
          page = [];
          // One page stored at a time, in order; the next is fetched meanwhile, so Stripe's time
          // and the database's overlap instead of adding up.
          if (storing) await storing;
          storing = store(full, false);
          storing.catch(() => undefined);
        }
      } finally {
        // Before any retry: it goes on from the cursor of the last page stored.
        if (storing) await storing;
      }
      await store(page, true);
    });
    if (outcome.ok) continue;
    if (outcome.error.kind !== 'permission_missing') {
      // Access lost or a token to renew is the integration's to say (its reason), not this object's.
      if (outcome.error.kind === 'error' || outcome.error.kind === 'rate_limited') {
        await setObjectError(
          db,
          { workspaceId, integrationId: integration.id, object },
          { code: 'sync_failed', detail: outcome.error.message },
        );
      }
      return outcome;
    }
    // This object is not among what the connection may read: the others go on.
    await setObjectError(
      db,
      { workspaceId, integrationId: integration.id, object },
      { code: 'permission_missing', detail: outcome.error.message },
    );
  }

  const events = state.objects.find((progress) => progress.object === 'events');
  const canReadEvents = events?.error?.code !== 'permission_missing';
  if (canReadEvents) {
    const stored = () => {
      pagesStored += 1;
    };
    const applied = await applyEvents(services, integration, claim, { workspaceId, claimUntil, at, withRetries, stored });
    if (!applied.ok) {
      if (applied.error.kind !== 'permission_missing') return applied;
      await setObjectError(
        db,
        { workspaceId, integrationId: integration.id, object: 'events' },
        { code: 'permission_missing', detail: applied.error.message },
      );
    }
  }
  await markSynced(db, integration.id, at());
  return ok(null);
}

/** Incremental: the events after the cursor, oldest first, a page at a time. */
async function applyEvents(
  services: WorkspaceServices,
  integration: StoredIntegration,
  claim: SyncClaim,
  context: {
    workspaceId: string;
    claimUntil: () => string;
    at: () => string;
    withRetries: (step: (credentials: StripeCredentials) => Promise<void>) => Promise<SyncOutcome>;
    /** A page went in (the 429 backoff starts afresh after progress). */
    stored: () => void;
  },
): Promise<SyncOutcome> {
  const { db, stripe } = services;
  return context.withRetries(async (credentials) => {
    // Read on each attempt: a page stored before a 429 moved the cursor on.
    const state = (await readSyncState(db, integration.id)) as SyncState;
    const imported = new Set<SyncedObject>(state.objects.filter((o) => o.imported).map((o) => o.object));
    const store = async (events: StripeRecord[]) => {
      const changes = events.flatMap((event) => {
        const change = changeOf(event);
        // An object still importing gets every row from its import, changes included.
        return change && imported.has(change.object) ? [change] : [];
      });
      await storeEventsPage(db, claim, {
        workspaceId: context.workspaceId,
        events,
        changes,
        at: context.at(),
        claimUntil: context.claimUntil(),
      });
      context.stored();
    };
    const from: ListFrom = state.eventsCursor ? { newerThan: state.eventsCursor } : { after: null };
    if ('newerThan' in from) {
      let page: StripeRecord[] = [];
      for await (const event of stripe.list(integration.stripeMode, credentials, 'events', from)) {
        page.push(event);
        if (page.length === PAGE_SIZE) {
          await store(page);
          page = [];
        }
      }
      if (page.length > 0) await store(page);
      return;
    }
    // No event when the import started: every event is new. Stripe keeps 30 days of them, and
    // lists them newest first here, so they are gathered and applied oldest first.
    const all: StripeRecord[] = [];
    for await (const event of stripe.list(integration.stripeMode, credentials, 'events', from)) all.push(event);
    all.reverse();
    for (let start = 0; start < all.length; start += PAGE_SIZE) await store(all.slice(start, start + PAGE_SIZE));
  });
}

async function firstId(rows: AsyncIterable<StripeRecord>): Promise<string | null> {
  for await (const row of rows) return row.id;
  return null;
}

async function credentialsOf(services: WorkspaceServices, integration: StoredIntegration): Promise<StripeCredentials> {
  const sealed = await findCredentials(services.db, integration.id);
  return { stripeUserId: integration.stripeAccountId, accessToken: sealed ? services.sealer.open(sealed.accessToken) : '' };
}
