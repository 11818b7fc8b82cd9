/**
 * The one way pages follow what the service worker stored: `watchStoredState`. It reads once,
 * then applies every `storage.onChanged`; and because Firefox has been seen to miss `onChanged` for
 * a page (one whose window lost focus to Stripe's, and now and then a page in front), it also reads
 * back, itself: after each command the page sent (`sendCommand` tells it), every second while a
 * flow runs, and every five seconds otherwise while the page is visible, so a missed event costs
 * at most that. Pages never read storage any other way. Unchanged state publishes nothing, so
 * nothing re-renders.
 */
import type { Storage } from 'webextension-polyfill';
import browser from './browser';
import { isFlowRunning, STORAGE_KEYS, type StoredState } from '../shared/state';

/** How often the stored state is read back: while a flow runs, and otherwise while visible. */
const FLOW_READ_BACK_MS = 1000;
const IDLE_READ_BACK_MS = 5000;

/** The watchers of this page, each re-reading storage when asked. */
const watchers = new Set<() => void>();

/** Every watcher of this page reads storage back (after a command's reply). */
export function readBack(): void {
  for (const reread of watchers) reread();
}

/**
 * Follows the stored state: `listener` gets it once read, then on every change. Framework-free,
 * so the popup needs no hooks. Returns the function that stops following.
 */
export function watchStoredState(listener: (state: StoredState) => void): () => void {
  let alive = true;
  let loaded = false;
  let current: StoredState | null = null;
  let flowTimer: ReturnType<typeof setInterval> | undefined;
  const idleTimer = setInterval(() => {
    if (document.visibilityState === 'visible') reread();
  }, IDLE_READ_BACK_MS);

  const publish = (next: StoredState) => {
    current = next;
    if (!alive) return;
    listener(next);
    const running = next.flow ? isFlowRunning(next.flow) : false;
    if (running && flowTimer === undefined) flowTimer = setInterval(reread, FLOW_READ_BACK_MS);
    if (!running && flowTimer !== undefined) {
      clearInterval(flowTimer);
      flowTimer = undefined;
    }
  };
  const reread = () =>
    void browser.storage.local.get([...STORAGE_KEYS]).then((stored) => {
      if (JSON.stringify(pick(stored)) !== JSON.stringify(pick(current))) publish(stored);
    });
  watchers.add(reread);

  void firstRead().then((read) => {
    if (__TEST_HOOKS__) performance.mark('wc:state-loaded'); // User Timing, read by `npm run bench`
    loaded = true;
    // A change that arrived before the first read is newer, so it wins.
    publish({ ...read, ...current });
    // The popup's early read was taken before the page listened for changes: read once more.
    reread();
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
    watchers.delete(reread);
    if (flowTimer !== undefined) clearInterval(flowTimer);
    clearInterval(idleTimer);
    browser.storage.onChanged.removeListener(onChanged);
  };
}

/** The popup's early read (public/preload-state.js), taken once; otherwise a read now. */
async function firstRead(): Promise<StoredState> {
  const holder = globalThis as { workspaceConnectStoredState?: Promise<StoredState> };
  const early = holder.workspaceConnectStoredState;
  delete holder.workspaceConnectStoredState;
  const preloaded = early ? await early.then(pick, () => null) : null;
  return preloaded ?? (await browser.storage.local.get([...STORAGE_KEYS]).catch(() => ({})));
}

/** The stored keys of a state, in one order, to compare it with a fresh read. */
function pick(state: Partial<StoredState> | null): Partial<StoredState> {
  const picked: Record<string, unknown> = {};
  for (const key of [...STORAGE_KEYS].sort()) {
    if (state?.[key] !== undefined) picked[key] = state[key];
  }
  return picked;
}
