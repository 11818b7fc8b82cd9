/**
 * Sign-in with the workspace as a part of the server: the API asks it who an access token stands
 * for, and its endpoints and pages are answered in front of the API. It starts once the workspace
 * knows its public URL (the issuer), which may be only after it listens.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Database } from '../db/database';
import type { Caller } from '../model';
import { createAuthorizationServer, type AuthorizationServer, type AuthorizationServerOptions } from './authorization-server';
import { isSignInPath, signInRoutes } from './routes';

export interface SignIn {
  /** For the API (`WorkspaceApiOptions.callerOfAccessToken`): null until started. */
  callerOfAccessToken: (token: string) => Promise<Caller | null>;
  /** In front of the API: the authorization server's endpoints and the sign-in pages. */
  middleware: MiddlewareHandler<{ Bindings: HttpBindings }>;
  start: (options: Omit<AuthorizationServerOptions, 'db' | 'now'>) => void;
}

export function createSignIn(db: Database, now: () => number): SignIn {
  let started: { server: AuthorizationServer; routes: Hono<{ Bindings: HttpBindings }> } | null = null;
  return {
    callerOfAccessToken: (token) => started?.server.callerOf(token) ?? Promise.resolve(null),
    middleware: async (c, next) => (started && isSignInPath(c.req.path) ? started.routes.fetch(c.req.raw, c.env) : next()),
    start(options) {
      const server = createAuthorizationServer({ ...options, db, now });
      started = { server, routes: signInRoutes(server, db) };
    },
  };
}
