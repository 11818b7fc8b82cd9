/**
 * Runs the syncs that are due, on every instance: each claims one integration at a time through the
 * database (data/sync-state.ts), so instances share the work and never sync one integration twice
 * at once. A connection wakes it at once; otherwise it looks for due syncs every `pollMs`. Stopping
 * ends the syncs under way between two pages; they go on from there at the next start.
 */
import { randomBytes } from 'node:crypto';
import type { WorkspaceServices } from '../context';
import { findIntegration } from '../data/integrations';
import { claimSync } from '../data/sync-state';
import { syncClaimed, syncSettingsOf, type SyncSettings } from './index';

export interface SyncerOptions extends Partial<SyncSettings> {
  /** How often it looks for due syncs when nothing wakes it (default 5 s). */
  pollMs?: number;
  /** Syncs run side by side on this instance (default 2). */
  concurrency?: number;
}

export interface Syncer {
  /** A sync just became due (a connection): look now rather than at the next poll. */
  wake(): void;
  /** Stops looking, and waits for the syncs under way (their claims are released as they end). */
  stop(): Promise<void>;
}

export function startSyncer(services: WorkspaceServices, options: SyncerOptions = {}): Syncer {
  const settings = syncSettingsOf(options);
  const pollMs = options.pollMs ?? 5000;
  const concurrency = options.concurrency ?? 2;
  const running = new Set<Promise<void>>();
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let looking = false;

  async function look(): Promise<void> {
    if (looking || stopped) return;
    looking = true;
    try {
      // `stopping`, not `stopped`: a stop may come while a claim is on its way.
      while (!stopping.signal.aborted && running.size < concurrency) {
        const token = randomBytes(12).toString('hex');
        const now = services.now();
        const claimed = await claimSync(services.db, {
          token,
          now: new Date(now).toISOString(),
          until: new Date(now + settings.claimMs).toISOString(),
        });
        if (!claimed) break;
        const run = syncOne(claimed, token).finally(() => {
          running.delete(run);
          // A slot is free: there may be more due.
          void look();
        });
        running.add(run);
      }
    } catch (error) {
      console.error('looking for due syncs failed:', error);
    } finally {
      looking = false;
    }
  }

  async function syncOne({ integrationId, workspaceId }: { integrationId: string; workspaceId: string }, token: string): Promise<void> {
    try {
      const integration = await findIntegration(services.db, workspaceId, integrationId);
      if (!integration) return;
      await syncClaimed(services, { workspaceId, integration }, { integrationId, token }, settings, stopping.signal);
    } catch (error) {
      console.error(`sync of ${integrationId} failed:`, error);
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void look().finally(schedule), pollMs);
    timer.unref();
  };
  void look().finally(schedule);

  return {
    wake: () => void look(),
    async stop() {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
