/** `GET /api/v1/me`: who the token belongs to, in which workspace, with which role. */
import { Hono } from 'hono';
import type { ApiEnv } from '../context';
import { jsonResponse } from '../problems';

export function profileRoutes() {
  return new Hono<ApiEnv>().get('/', (c) => {
    const caller = c.get('caller');
    return jsonResponse(200, {
      user: { id: caller.userId, name: caller.name, email: caller.email },
      workspace: { id: caller.workspaceId, name: caller.workspaceName },
      role: caller.role,
    });
  });
}
