import type { Storage } from 'webextension-polyfill';
import browser from './browser';
import type { Command, CommandReply } from '../shared/commands';
import { STORAGE_KEYS, type StoredState } from '../shared/state';

/** Pages showing stored state: each re-reads it once a command it sent has been carried out. */
const resyncs = new Set<() => void>();

/**
 * Follows whatever the service worker last wrote: one read at once, then every change it makes.
 * Framework-free, so the popup needs no hooks; `listener` is called only when the state changed.
 * Returns the function that stops following.
 */
export function watchStoredState(listener: (state: StoredState) => void): () => void {
  let alive = true;
  let loaded = false;
  let current: StoredState | null = null;
  const publish = (next: StoredState) => {
    current = next;
    if (alive) listener(next);
  };
  // A safety net under `onChanged`, which Firefox has been seen to miss for a page: what the
  // worker wrote while carrying out a command is read back when its reply arrives. Unchanged
  // state publishes nothing, so nothing re-renders.
  const resync = () =>
    void browser.storage.local.get([...STORAGE_KEYS]).then((stored) => {
      if (JSON.stringify(pick(stored)) !== JSON.stringify(pick(current))) publish(stored);
    });
  resyncs.add(resync);
  void firstRead().then((read) => {
    performance.mark('wc:state-loaded'); // User Timing, read by `npm run bench`
    loaded = true;
    // A change that arrived before the first read is newer, so it wins.
    publish({ ...read, ...current });
    // The popup's early read was taken before the page listened for changes: read once more.
    resync();
  });
  const onChanged = (changes: Record<string, Storage.StorageChange>, area: string) => {
    if (area !== 'local') return;
    const update: Partial<StoredState> = {};
    for (const key of STORAGE_KEYS) {
      if (key in changes) (update as Record<string, unknown>)[key] = changes[key]?.newValue;
    }
    if (Object.keys(update).length === 0) return;
    // Before the first read, a change is kept, not shown: half a state would render wrong.
    if (loaded) publish({ ...current, ...update });
    else current = { ...current, ...update };
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => {
    alive = false;
    resyncs.delete(resync);
    browser.storage.onChanged.removeListener(onChanged);
  };
}

/** The popup's early read (public/preload-state.js), taken once; otherwise a read now. */
async function firstRead(): Promise<StoredState> {
  const holder = globalThis as { workspaceConnectStoredState?: Promise<StoredState> };
  const early = holder.workspaceConnectStoredState;
  delete holder.workspaceConnectStoredState;
  return (await early?.then(pick, () => null)) ?? (await browser.storage.local.get([...STORAGE_KEYS]).catch(() => ({})));
}

/** The stored keys of a state, in storage's own order, to compare it with a fresh read. */
function pick(state: Partial<StoredState> | null): Partial<StoredState> {
  const picked: Record<string, unknown> = {};
  for (const key of [...STORAGE_KEYS].sort()) {
    if (state && state[key] !== undefined) picked[key] = state[key];
  }
  return picked;
}

/** Reads the stored state back into every page that shows it. */
export function resyncStoredState(): void {
  for (const resync of resyncs) resync();
}

export async function sendCommand(command: Command): Promise<CommandReply> {
  const reply = await browser.runtime.sendMessage<Command, CommandReply>(command);
  resyncStoredState();
  return reply;
}
