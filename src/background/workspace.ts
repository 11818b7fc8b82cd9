import browser from 'webextension-polyfill';
import { appError, type AppError } from '../shared/errors';
import type { WorkspaceCall } from '../shared/problems';
import type { Settings } from '../shared/state';
import { readState, writeState } from './storage';
import { createWorkspaceApi, originPattern, parseWorkspaceUrl, type WorkspaceApi } from '../shared/workspace-api';

export type WorkspaceClient = { ok: true; api: WorkspaceApi } | { ok: false; error: AppError };

/** The workspace client, once the admin has configured it and granted its origin. */
export async function workspaceClient(settings: Settings | undefined): Promise<WorkspaceClient> {
  if (!settings || settings.token === '') return { ok: false, error: appError('not-configured') };
  const url = parseWorkspaceUrl(settings.workspaceUrl);
  if (!url.ok) return { ok: false, error: appError('not-configured', url.error) };
  const granted = await browser.permissions.contains({ origins: [originPattern(url.value)] });
  if (!granted) return { ok: false, error: appError('permission-denied') };
  return {
    ok: true,
    api: createWorkspaceApi({
      baseUrl: url.value.href,
      token: settings.token,
      language: browser.i18n.getMessage('localeCode'),
      onFailure: followProfile,
    }),
  };
}

/**
 * The profile shown follows the last answer: a token refused by any call signs the admin out
 * (the popup then offers the settings), whatever the profile said before.
 */
function followProfile(error: AppError, call: WorkspaceCall): void {
  if (error.code !== 'unauthorized' || call === 'profile') return; // the profile check writes its own
  void readState().then(({ profile }) => {
    if (profile?.status === 'failed' && profile.error.code === 'unauthorized') return;
    return writeState({ profile: { status: 'failed', error, checkedAt: Date.now() } });
  });
}
