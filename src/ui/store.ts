import { useEffect, useState } from 'preact/hooks';
import type { Storage } from 'webextension-polyfill';
import browser from './browser';
import type { Command, CommandReply } from '../shared/messages';
import { STORAGE_KEYS, type StoredState } from '../shared/state';

/** Pages showing stored state: each re-reads it once a command it sent has been carried out. */
const resyncs = new Set<() => void>();

/** Renders whatever the service worker last wrote, and follows every change it makes. */
export function useStoredState(): StoredState | null {
  const [state, setState] = useState<StoredState | null>(null);
  useEffect(() => {
    let alive = true;
    void browser.storage.local.get([...STORAGE_KEYS]).then((stored) => {
      performance.mark('wc:state-loaded'); // User Timing, read by `npm run bench`
      if (alive) setState((current) => ({ ...(stored as StoredState), ...current }));
    });
    // A safety net under `onChanged`, which Firefox has been seen to miss for a page: what the
    // worker wrote while carrying out a command is read back when its reply arrives. Unchanged
    // state keeps the same object, so nothing re-renders.
    const resync = () =>
      void browser.storage.local.get([...STORAGE_KEYS]).then((stored) => {
        if (!alive) return;
        setState((current) => (JSON.stringify(pick(stored as StoredState)) === JSON.stringify(pick(current)) ? current : (stored as StoredState)));
      });
    resyncs.add(resync);
    const onChanged = (changes: Record<string, Storage.StorageChange>, area: string) => {
      if (area !== 'local') return;
      const update: Partial<StoredState> = {};
      for (const key of STORAGE_KEYS) {
        if (key in changes) (update as Record<string, unknown>)[key] = changes[key]?.newValue;
      }
      if (Object.keys(update).length > 0) setState((current) => ({ ...current, ...update }));
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => {
      alive = false;
      resyncs.delete(resync);
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return state;
}

/** The stored keys of a state, in storage's own order, to compare it with a fresh read. */
function pick(state: StoredState | null): Partial<StoredState> {
  const picked: Record<string, unknown> = {};
  for (const key of [...STORAGE_KEYS].sort()) {
    if (state && state[key] !== undefined) picked[key] = state[key];
  }
  return picked;
}

/** Reads the stored state back into every page component that shows it. */
export function resyncStoredState(): void {
  for (const resync of resyncs) resync();
}

export async function sendCommand(command: Command): Promise<CommandReply> {
  const reply = (await browser.runtime.sendMessage(command)) as CommandReply;
  resyncStoredState();
  return reply;
}
