import browser from './browser';
import { STORAGE_KEYS, type FlowState, type StoredState } from '../shared/state';
import { keysClearedOn, migrate, parseStoredState, SCHEMA_VERSION, type StateEvent } from '../shared/stored-state';

/**
 * Brings the stored state to this release's version, once per worker start, before anything
 * reads it: migrations run, keys that no longer parse are removed, `schemaVersion` is written.
 */
async function prepare(): Promise<void> {
  const raw = await browser.storage.local.get(null);
  const { state, from, to } = migrate(raw);
  const { invalid } = parseStoredState(state);
  if (from === to && invalid.length === 0) return;
  if (invalid.length > 0) console.warn(`Stored state: unreadable ${invalid.join(', ')}; removed.`);
  const obsolete = Object.keys(raw).filter((key) => !(key in state) || invalid.includes(key as never));
  if (obsolete.length > 0) await browser.storage.local.remove(obsolete);
  const kept = Object.fromEntries(Object.entries(state).filter(([key]) => !invalid.includes(key as never)));
  await browser.storage.local.set({ ...kept, schemaVersion: to });
}
let prepared: Promise<void> | null = null;
/** Started by the worker's first read; every read waits for it. */
export const storageReady = (): Promise<void> => (prepared ??= prepare());

/**
 * Everything the worker keeps, each key checked against its schema. The token of an admin who
 * chose not to stay signed in lives in `storage.session` (memory only, gone when the browser
 * closes) and is merged back in here.
 */
export async function readState(): Promise<StoredState> {
  await storageReady();
  const { state } = parseStoredState(await browser.storage.local.get([...STORAGE_KEYS]));
  if (state.settings?.keepSignedIn === false) {
    const { sessionToken } = (await browser.storage.session.get('sessionToken')) as { sessionToken?: string };
    state.settings = { ...state.settings, token: sessionToken ?? '' };
  }
  return state;
}

/**
 * Writes keys. Ordering matters to the flow (its progress writes must land in the order made):
 * `storage.local.set` is called before this function's first await unless the update carries
 * settings, which only the settings commands write, never mid-flow.
 */
export async function writeState(update: Partial<StoredState>): Promise<void> {
  if (update.settings) {
    const remember = update.settings.keepSignedIn !== false;
    await browser.storage.session.set({ sessionToken: remember ? '' : update.settings.token });
    if (!remember) update = { ...update, settings: { ...update.settings, token: '' } };
  }
  await browser.storage.local.set({ ...update, schemaVersion: SCHEMA_VERSION });
}

/** Removes what an event ends (see `LIFETIMES`). */
export const clearStateFor = (event: StateEvent): Promise<void> => browser.storage.local.remove(keysClearedOn(event));

export const clearState = (keys: Array<keyof StoredState>): Promise<void> => browser.storage.local.remove(keys);

export const saveFlow = (flow: FlowState) => writeState({ flow });

/** Forgets every secret of the session store: the unremembered token and the access token. */
export const clearSessionSecrets = (): Promise<void> => browser.storage.session.remove(['sessionToken', ACCESS_KEY]);

/** The access token of a sign-in lives in memory only (`storage.session`), never on disk. */
export const ACCESS_KEY = 'access';
