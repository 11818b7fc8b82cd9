/**
 * The door: a bearer token names the caller and their workspace, either an API token or an access
 * token from signing in with the workspace; admin routes check the role.
 */
import { createMiddleware } from 'hono/factory';
import type { ApiEnv, WorkspaceServices } from './context';
import { findCaller } from './data/workspaces';
import type { Caller } from './model';
import { HttpError } from './problems';
import { pickLanguage } from './reasons';

export const authenticate = (services: WorkspaceServices) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      throw new HttpError(401, 'unauthenticated', 'Missing bearer token', 'Send Authorization: Bearer <token>.', {
        'WWW-Authenticate': 'Bearer realm="workspace"',
      });
    }
    const caller = (await findCaller(services.db, match[1])) ?? (await services.callerOfAccessToken?.(match[1])) ?? null;
    if (!caller) {
      throw new HttpError(401, 'invalid_token', 'Invalid token', 'The API token is not valid for this workspace.', {
        'WWW-Authenticate': 'Bearer realm="workspace", error="invalid_token"',
      });
    }
    c.set('caller', caller);
    c.set('language', pickLanguage(c.req.header('accept-language')));
    await next();
  });

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') {
    throw new HttpError(
      403,
      'admin_required',
      'Administrator permissions required',
      'Adding and managing integrations requires administrator permissions.',
    );
  }
}
