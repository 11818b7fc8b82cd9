import { useEffect, useState } from 'preact/hooks';
import type { Storage } from 'webextension-polyfill';
import browser from './browser';
import type { Command, CommandReply } from '../shared/messages';
import { STORAGE_KEYS, type StoredState } from '../shared/state';

/** Renders whatever the service worker last wrote, and follows every change it makes. */
export function useStoredState(): StoredState | null {
  const [state, setState] = useState<StoredState | null>(null);
  useEffect(() => {
    let alive = true;
    void browser.storage.local.get([...STORAGE_KEYS]).then((stored) => {
      performance.mark('wc:state-loaded'); // User Timing, read by `npm run bench`
      if (alive) setState((current) => ({ ...(stored as StoredState), ...current }));
    });
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
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return state;
}

export async function sendCommand(command: Command): Promise<CommandReply> {
  return (await browser.runtime.sendMessage(command)) as CommandReply;
}
