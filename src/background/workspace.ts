import browser from 'webextension-polyfill';
import { appError, type AppError } from '../shared/errors';
import type { Settings } from '../shared/state';
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
    }),
  };
}
