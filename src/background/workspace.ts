import browser from './browser';
import { appError, type AppError } from '../shared/errors';
import type { WorkspaceCall } from '../shared/problems';
import { err, ok, type Result } from '../shared/result';
import type { Settings } from '../shared/state';
import { accessToken, renewAfterRefusal } from './sign-in';
import { readActiveSettings, readWorkspace, writeWorkspace } from './storage';
import { createWorkspaceApi, type WorkspaceApi } from '../shared/workspace-api';
import { originPattern, parseWorkspaceUrl } from '../shared/workspace-url';

/** The one result shape (shared/result.ts): the client, or why there is none. */
export type WorkspaceClient = Result<WorkspaceApi, AppError>;

/**
 * The workspace client, once the admin has signed in (or saved an API token) and granted its
 * origin. Signed in, it carries the access token, renewed when it runs out.
 */
export async function workspaceClient(settings: Settings | undefined): Promise<WorkspaceClient> {
  if (!settings || settings.token === '') return err(appError('not-configured'));
  const url = parseWorkspaceUrl(settings.workspaceUrl);
  if (!url.ok) return err(appError('not-configured', url.error));
  // The test seam's read rides along with the permission check rather than after it.
  const [granted, timeoutMs] = await Promise.all([
    browser.permissions.contains({ origins: [originPattern(url.value)] }),
    __TEST_HOOKS__ ? testClientTimeout() : undefined,
  ]);
  if (!granted) return err(appError('permission-denied'));
  const signedIn = settings.credential === 'sign-in';
  const token = signedIn ? await accessToken(settings.workspaceUrl) : ok(settings.token);
  if (!token.ok) return token;
  return ok(
    createWorkspaceApi({
      baseUrl: url.value.href,
      token: token.value,
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(signedIn ? { renewToken: (refused: string) => renewAfterRefusal(settings.workspaceUrl, refused) } : {}),
      language: browser.i18n.getMessage('localeCode'),
      onFailure: (error, call) => followProfile(settings.workspaceUrl, error, call),
    }),
  );
}

/**
 * A test seam (test builds only): the end-to-end tests of a slow workspace shorten the client's
 * timeout (`testClientTimeoutMs` in `storage.session`) rather than wait out the real 15 s.
 */
async function testClientTimeout(): Promise<number | undefined> {
  const { testClientTimeoutMs } = await browser.storage.session.get('testClientTimeoutMs');
  return typeof testClientTimeoutMs === 'number' ? testClientTimeoutMs : undefined;
}

/** The client of the workspace the pages show. */
export const currentWorkspaceClient = async (): Promise<WorkspaceClient> => workspaceClient(await readActiveSettings());

/**
 * The profile shown follows the last answer: a token refused by any call signs the admin out
 * (the popup then offers the settings), whatever the profile said before.
 */
function followProfile(workspaceUrl: string, error: AppError, call: WorkspaceCall): void {
  if (error.code !== 'unauthorized' || call === 'profile') return; // the profile check writes its own
  void readWorkspace(workspaceUrl).then((workspace) => {
    const profile = workspace?.profile;
    if (!workspace || (profile?.status === 'failed' && profile.error.code === 'unauthorized')) return;
    return writeWorkspace(workspaceUrl, { profile: { status: 'failed', error, checkedAt: Date.now() } });
  });
}
