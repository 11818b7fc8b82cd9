import browser from 'webextension-polyfill';
import { STORAGE_KEYS, type FlowState, type StoredState } from '../shared/state';

export async function readState(): Promise<StoredState> {
  return (await browser.storage.local.get([...STORAGE_KEYS])) as StoredState;
}

export async function writeState(update: Partial<StoredState>): Promise<void> {
  await browser.storage.local.set(update);
}

export const saveFlow = (flow: FlowState) => writeState({ flow });
