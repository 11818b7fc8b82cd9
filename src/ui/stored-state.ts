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
import { isFlowRunning, stateFromStorage, type StoredState } from '../shared/state';

/** How often the stored state is read back: while a flow runs, and otherwise while visible. */
const FLOW_READ_BACK_MS = 1000;
const IDLE_READ_BACK_MS = 5000;

/** The watchers of this page, each re-reading storage when asked. */
const watchers = new Set<() => void>();

/** Every watcher of this page reads storage back (after a command's reply). */
export function readBack(): void {
  for (const reread of watchers) reread();
}

type Stored = Record<string, unknown>;

/**
 * Follows the stored state: `listener` gets it once read, then on every change. Framework-free,
 * so the popup needs no hooks. Returns the function that stops following.
 */
export function watchStoredState(listener: (state: StoredState) => void): () => void {
  let alive = true;
  let loaded = false;
  /** What storage holds, as last read or changed; and each key's value last published, with its JSON. */
  let stored: Stored = {};
  let published: Stored = {};
  let publishedJson: Map<string, string> | null = null; // null: nothing published yet
  let flowTimer: ReturnType<typeof setInterval> | undefined;
  const idleTimer = setInterval(() => {
    if (document.visibilityState === 'visible') reread();
  }, IDLE_READ_BACK_MS);

  const publish = (read: Stored) => {
    if (!alive) return;
    // Unchanged state publishes nothing, so nothing re-renders. Compared key by key: a value kept
    // from the last publish (a change event carries only the keys it changed) is not serialized
    // again, and a key whose value did not change keeps the object last published, so what the
    // page renders from it can tell it is the same (a flow's step costs its own key, not a
    // thousand integrations; issue #18).
    const next: Stored = {};
    const json = new Map<string, string>();
    let changed = publishedJson?.size !== Object.keys(read).length;
    for (const [key, value] of Object.entries(read)) {
      const before = publishedJson?.get(key);
      const text = value === published[key] ? before : JSON.stringify(value);
      const same = text === before && key in published;
      next[key] = same ? published[key] : value;
      if (!same) changed = true;
      json.set(key, text ?? '');
    }
    stored = next;
    published = next;
    publishedJson = json;
    if (!changed) return;
    const state = stateFromStorage(next);
    listener(state);
    const running = state.flow ? isFlowRunning(state.flow) : false;
    if (running && flowTimer === undefined) flowTimer = setInterval(reread, FLOW_READ_BACK_MS);
    if (!running && flowTimer !== undefined) {
      clearInterval(flowTimer);
      flowTimer = undefined;
    }
  };
  const reread = () => void browser.storage.local.get(null).then(publish);
  watchers.add(reread);

  void firstRead().then((read) => {
    if (__TEST_HOOKS__) performance.mark('wc:state-loaded'); // User Timing, read by `npm run bench`
    loaded = true;
    // A change that arrived before the first read is newer, so it wins.
    publish({ ...read, ...stored });
    // The popup's early read was taken before the page listened for changes: read once more.
    reread();
  });

  const onChanged = (changes: Record<string, Storage.StorageChange>, area: string) => {
    if (area !== 'local') return;
    // A removed key's change has no new value: it is left out.
    const next = Object.fromEntries(
      Object.entries({ ...stored, ...Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.newValue])) }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    // Before the first read, a change is kept, not shown: half a state would render wrong.
    if (loaded) publish(next);
    else stored = next;
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
async function firstRead(): Promise<Stored> {
  const holder = globalThis as { workspaceConnectStoredState?: Promise<Stored> };
  const early = holder.workspaceConnectStoredState;
  delete holder.workspaceConnectStoredState;
  const preloaded = early ? await early.catch(() => null) : null;
  return preloaded ?? (await browser.storage.local.get(null).catch(() => ({})));
}
