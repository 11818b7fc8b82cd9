/**
 * Sign-in with the workspace as the worker runs it (the protocol is `shared/workspace-sign-in.ts`):
 * the sign-in window, where the tokens live, the access token renewed before it runs out, and
 * sign-out at the workspace. One renewal at a time per workspace: the refresh token rotates on
 * every use, and the workspace takes a reused one for a stolen one and ends the sign-in.
 */
import * as v from 'valibot';
import browser from './browser';
import { appError, type AppError } from '../shared/errors';
import { err, ok, type Result } from '../shared/result';
import { parseWorkspaceUrl } from '../shared/workspace-url';
import {
  discover,
  refresh,
  revoke,
  signIn,
  type AccessGrant,
  type AuthorizationServerInfo,
  type Tokens,
} from '../shared/workspace-sign-in';
import { accessKey, readWorkspace, writeWorkspace } from './storage';

/** The path of `identity.getRedirectURL` the workspace sends the browser back to. */
export const SIGN_IN_PATH = 'sign-in';
/** An access token with less than this left is renewed before use. */
const RENEW_AHEAD_MS = 60_000;

const protocol = { now: () => Date.now() };

const StoredAccessSchema = v.object({
  workspaceUrl: v.string(),
  token: v.string(),
  expiresAt: v.number(),
  server: v.object({ issuer: v.string(), token_endpoint: v.string(), revocation_endpoint: v.exactOptional(v.string()) }),
});
type StoredAccess = v.InferOutput<typeof StoredAccessSchema>;

/** The access token of a workspace signed in to, from memory (`storage.session`). */
async function storedAccess(workspaceUrl: string): Promise<StoredAccess | null> {
  const key = accessKey(workspaceUrl);
  const parsed = v.safeParse(StoredAccessSchema, (await browser.storage.session.get(key))[key]);
  return parsed.success && parsed.output.workspaceUrl === workspaceUrl ? parsed.output : null;
}

export const storeAccess = (workspaceUrl: string, access: AccessGrant): Promise<void> =>
  browser.storage.session.set({ [accessKey(workspaceUrl)]: { workspaceUrl, ...access } satisfies StoredAccess });

/** Runs the workspace's sign-in page in the browser's sign-in window; the tokens, or why not. */
export const signInAt = (workspaceUrl: URL): Promise<Result<Tokens, AppError>> =>
  signIn(workspaceUrl, {
    ...protocol,
    redirectUri: browser.identity.getRedirectURL(SIGN_IN_PATH),
    launchWebAuthFlow: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
  });

/** The access token for the workspace's API: the one in memory while it has a minute left, else a new one. */
export async function accessToken(workspaceUrl: string): Promise<Result<string, AppError>> {
  const access = await storedAccess(workspaceUrl);
  if (access && access.expiresAt - Date.now() > RENEW_AHEAD_MS) return ok(access.token);
  return renew(workspaceUrl);
}

/** The workspace refused `refused`: a new access token, unless another call has renewed it meanwhile. */
export async function renewAfterRefusal(workspaceUrl: string, refused: string): Promise<Result<string, AppError>> {
  const access = await storedAccess(workspaceUrl);
  if (access && access.token !== refused) return ok(access.token);
  return renew(workspaceUrl);
}

/** The renewal under way, per workspace. */
const renewing = new Map<string, Promise<Result<string, AppError>>>();

function renew(workspaceUrl: string): Promise<Result<string, AppError>> {
  let running = renewing.get(workspaceUrl);
  if (!running) {
    running = renewNow(workspaceUrl).finally(() => renewing.delete(workspaceUrl));
    renewing.set(workspaceUrl, running);
  }
  return running;
}

/** Reads the refresh token only now, inside the one renewal: a copy read earlier may have rotated. */
async function renewNow(workspaceUrl: string): Promise<Result<string, AppError>> {
  const settings = (await readWorkspace(workspaceUrl))?.settings;
  if (settings?.credential !== 'sign-in' || settings.token === '') return err(appError('not-configured'));
  const server = await authorizationServer(workspaceUrl);
  if (!server.ok) return server;
  const renewed = await refresh(server.value, settings.token, protocol);
  const current = (await readWorkspace(workspaceUrl))?.settings;
  // Signed out (or in again) meanwhile: this answer belongs to a sign-in that is over.
  if (current?.token !== settings.token) return err(appError('not-configured'));
  if (!renewed.ok) {
    if (renewed.error.code === 'signed-out') await endSignIn(workspaceUrl, renewed.error);
    return renewed;
  }
  await writeWorkspace(workspaceUrl, { settings: { ...current, token: renewed.value.refreshToken } });
  await storeAccess(workspaceUrl, renewed.value.access);
  return ok(renewed.value.access.token);
}

/** The endpoints from the last token answer, or discovered again (after a browser restart). */
async function authorizationServer(workspaceUrl: string): Promise<Result<AuthorizationServerInfo, AppError>> {
  const access = await storedAccess(workspaceUrl);
  if (access) return ok(access.server);
  const url = parseWorkspaceUrl(workspaceUrl);
  if (!url.ok) return err(appError('not-configured', url.error));
  return discover(url.value, protocol);
}

/**
 * The workspace refused the refresh token: the admin is signed out, told why, and offered to
 * sign in again; the list stays as last known.
 */
async function endSignIn(workspaceUrl: string, error: AppError): Promise<void> {
  await browser.storage.session.remove(accessKey(workspaceUrl));
  const settings = (await readWorkspace(workspaceUrl))?.settings;
  if (settings) {
    await writeWorkspace(workspaceUrl, {
      settings: { ...settings, token: '' },
      profile: { status: 'failed', error, checkedAt: Date.now() },
    });
  }
}

/**
 * Sign-out at the workspace: where to revoke is found now (while the extension still knows it),
 * the revocation itself (RFC 7009: the refresh token, and its grant with every access token) is
 * returned to be run once the extension has forgotten the workspace.
 */
export async function revocationOf(workspaceUrl: string, refreshToken: string): Promise<() => Promise<unknown>> {
  const server = await authorizationServer(workspaceUrl);
  return () => (server.ok ? revoke(server.value, refreshToken, protocol) : Promise.resolve());
}
