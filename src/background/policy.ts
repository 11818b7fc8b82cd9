/**
 * The organization's policy as the browser holds it (`storage.managed`): read on every start of the
 * worker and on every change, stored for the pages, and applied (a preset workspace to sign in to).
 * No policy (Firefox: "Managed storage manifest not found"; Chromium: an empty object) is nothing
 * managed, silently.
 */
import { parsePolicy } from '../shared/policy';
import type { Policy } from '../shared/state';
import browser from './browser';
import { clearState, readState, writeState, writeWorkspace } from './storage';

export async function readPolicy(): Promise<Policy | null> {
  try {
    return parsePolicy(await browser.storage.managed.get());
  } catch {
    return null;
  }
}

/** Reads the policy and stores what changed; on a first run under one, the preset workspace is set up, signed out. */
export async function applyPolicy(): Promise<Policy | null> {
  const policy = await readPolicy();
  const { workspaces, policy: stored } = await readState();
  if (JSON.stringify(policy) !== JSON.stringify(stored ?? null)) {
    if (policy) await writeState({ policy });
    else await clearState(['policy']);
  }
  const preset = policy?.workspaces[0];
  if (workspaces.length === 0 && preset) {
    await writeWorkspace(preset.url, {
      settings: { workspaceUrl: preset.url, token: '', credential: 'sign-in', addedAt: Date.now() },
      profile: { status: 'failed', error: { code: 'not-configured' }, checkedAt: Date.now() },
    });
    await writeState({ activeWorkspace: preset.url });
  }
  return policy;
}
