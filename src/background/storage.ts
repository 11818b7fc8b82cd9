import browser from './browser';
import {
  workspaceKey,
  WORKSPACE_KEYS,
  type FlowState,
  type GlobalState,
  type Settings,
  type StoredState,
  type WorkspaceState,
} from '../shared/state';
import { migrate, parseStoredState, SCHEMA_VERSION } from '../shared/stored-state';

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
  // Keys a migration moved or dropped, and those that no longer parse, go; keys this release does
  // not know (a newer release's) stay.
  const obsolete = Object.keys(raw).filter((key) => !(key in state) || invalid.includes(key));
  if (obsolete.length > 0) await browser.storage.local.remove(obsolete);
  const kept = Object.fromEntries(Object.entries(state).filter(([key]) => !invalid.includes(key)));
  await browser.storage.local.set({ ...kept, schemaVersion: to });
}
let prepared: Promise<void> | null = null;
/** Started by the worker's first read; every read waits for it. */
export const storageReady = (): Promise<void> => (prepared ??= prepare());

/** Where a workspace's token lives when the admin chose not to stay signed in: memory only. */
const sessionTokenKey = (workspaceUrl: string) => workspaceKey('sessionToken', workspaceUrl);
/** The access token of a sign-in lives in memory only (`storage.session`), never on disk. */
export const accessKey = (workspaceUrl: string) => workspaceKey('access', workspaceUrl);

/**
 * Everything the worker keeps, each key checked against its schema. The token of an admin who
 * chose not to stay signed in lives in `storage.session` (memory only, gone when the browser
 * closes) and is merged back in here.
 */
export async function readState(): Promise<StoredState> {
  await storageReady();
  return stateOf(await browser.storage.local.get(null));
}

/**
 * The settings of the workspace shown, read without the rest of the state: a Connect must not wait
 * for every integration of every workspace to be read and checked first (issue #18).
 */
export async function readActiveSettings(): Promise<Settings | undefined> {
  await storageReady();
  const { activeWorkspace } = await browser.storage.local.get('activeWorkspace');
  if (typeof activeWorkspace !== 'string') return undefined;
  const settings = await browser.storage.local.get(workspaceKey('settings', activeWorkspace));
  return (await stateOf({ activeWorkspace, ...settings })).settings;
}

/** The stored keys, each checked against its schema, with the session-only tokens merged back in. */
async function stateOf(raw: Record<string, unknown>): Promise<StoredState> {
  const { state } = parseStoredState(raw);
  const forgetful = state.workspaces.filter((w) => w.settings.keepSignedIn === false);
  if (forgetful.length === 0) return state;
  const session = await browser.storage.session.get(forgetful.map((w) => sessionTokenKey(w.settings.workspaceUrl)));
  for (const workspace of forgetful) {
    const token = session[sessionTokenKey(workspace.settings.workspaceUrl)];
    workspace.settings = { ...workspace.settings, token: typeof token === 'string' ? token : '' };
  }
  const active = state.workspaces.find((w) => w.settings.workspaceUrl === state.activeWorkspace);
  return active ? { ...state, settings: active.settings } : state;
}

/** One workspace's state, or undefined when it is not (or no longer) added. */
export const readWorkspace = async (workspaceUrl: string): Promise<WorkspaceState | undefined> =>
  (await readState()).workspaces.find((w) => w.settings.workspaceUrl === workspaceUrl);

/**
 * Writes the extension's own keys. Ordering matters to the flow (its progress writes must land in
 * the order made): `storage.local.set` is called before this function's first await.
 */
export const writeState = (update: Partial<GlobalState>): Promise<void> =>
  browser.storage.local.set({ ...update, schemaVersion: SCHEMA_VERSION });

/** Writes keys of one workspace; its token goes to `storage.session` when the admin chose not to stay signed in. */
export async function writeWorkspace(workspaceUrl: string, update: Partial<WorkspaceState>): Promise<void> {
  if (update.settings) {
    const remember = update.settings.keepSignedIn !== false;
    await browser.storage.session.set({ [sessionTokenKey(workspaceUrl)]: remember ? '' : update.settings.token });
    if (!remember) update = { ...update, settings: { ...update.settings, token: '' } };
  }
  const keyed: Record<string, unknown> = { schemaVersion: SCHEMA_VERSION };
  for (const [key, value] of Object.entries(update)) keyed[workspaceKey(key, workspaceUrl)] = value;
  await browser.storage.local.set(keyed);
}

export const clearWorkspaceKeys = (workspaceUrl: string, keys: Array<keyof WorkspaceState>): Promise<void> =>
  browser.storage.local.remove(keys.map((key) => workspaceKey(key, workspaceUrl)));

/** Forgets a workspace: every key of it in both stores, its tokens included. */
export async function forgetWorkspace(workspaceUrl: string): Promise<void> {
  await browser.storage.local.remove(WORKSPACE_KEYS.map((key) => workspaceKey(key, workspaceUrl)));
  await browser.storage.session.remove([sessionTokenKey(workspaceUrl), accessKey(workspaceUrl)]);
}

export const clearState = (keys: Array<keyof GlobalState>): Promise<void> => browser.storage.local.remove(keys);

export const saveFlow = (flow: FlowState) => writeState({ flow });
