import browser from 'webextension-polyfill';
import { STORAGE_KEYS, type FlowState, type StoredState } from '../shared/state';

/**
 * Everything the worker keeps. A token the admin chose not to remember lives in `storage.session`
 * (memory only, gone when the browser closes) and is merged back in here.
 */
export async function readState(): Promise<StoredState> {
  const state = (await browser.storage.local.get([...STORAGE_KEYS])) as StoredState;
  if (state.settings?.rememberToken === false) {
    const { sessionToken } = (await browser.storage.session.get('sessionToken')) as { sessionToken?: string };
    state.settings = { ...state.settings, token: sessionToken ?? '' };
  }
  return state;
}

export async function writeState(update: Partial<StoredState>): Promise<void> {
  if (update.settings) {
    const remember = update.settings.rememberToken !== false;
    await browser.storage.session.set({ sessionToken: remember ? '' : update.settings.token });
    if (!remember) update = { ...update, settings: { ...update.settings, token: '' } };
  }
  await browser.storage.local.set(update);
}

export const saveFlow = (flow: FlowState) => writeState({ flow });
