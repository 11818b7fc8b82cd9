/** `GET /api/v1/me`: who the token belongs to, in which workspace (and its Stripe modes), with which role. */
import { Hono } from 'hono';
import type { ApiEnv, WorkspaceServices } from '../context';
import { jsonResponse } from '../problems';

export function profileRoutes(services: WorkspaceServices) {
  return new Hono<ApiEnv>().get('/', (c) => {
    const caller = c.get('caller');
    return jsonResponse(200, {
      user: { id: caller.userId, name: caller.name, email: caller.email },
      // The Stripe modes a connection may use: the extension offers test mode only where listed.
      workspace: { id: caller.workspaceId, name: caller.workspaceName, stripeModes: services.stripe.modes },
      role: caller.role,
    });
  });
}
