/**
 * What the popup says about an integration's sync, from what the workspace answered: the first
 * import's progress (the object under way, its rows and about how many), or the totals once it is
 * done, and the objects whose sync met an error. Pure, so the wording's cases are unit-tested.
 */
import type { IntegrationSync, SyncedObject } from './schemas';

export type SyncSummary =
  /** The first import is about to start: nothing read yet. */
  | { kind: 'preparing' }
  /** The first import is under way (or stopped, when the integration needs attention): its current object. */
  | { kind: 'importing'; object: string; rows: number; expectedRows: number | null; done: number; of: number }
  /** Imported: tables with their rows, and when the last sync went through. */
  | { kind: 'synced'; tables: number; rows: number };

export function summarizeSync(sync: IntegrationSync): SyncSummary {
  const readable = sync.objects.filter((object) => object.error?.code !== 'permission_missing');
  if (sync.importing) {
    const current = readable.find((object) => object.importing);
    if (!current) return { kind: 'preparing' };
    return {
      kind: 'importing',
      object: current.name,
      rows: current.rows,
      // "of about 5,000" only while the estimate is ahead of what is already in.
      expectedRows: current.expectedRows !== null && current.expectedRows > current.rows ? current.expectedRows : null,
      done: readable.filter((object) => !object.importing).length,
      of: readable.length,
    };
  }
  return { kind: 'synced', tables: readable.length, rows: readable.reduce((sum, object) => sum + object.rows, 0) };
}

/** The objects whose last sync failed, each with its worded error: shown without expanding anything. */
export const syncErrors = (sync: IntegrationSync): Array<SyncedObject & { error: NonNullable<SyncedObject['error']> }> =>
  sync.objects.filter((object): object is SyncedObject & { error: NonNullable<SyncedObject['error']> } => object.error !== null);
