/**
 * The workspace API (openapi/workspace-api.yaml) as a Hono app: Web-standard `Request → Response`,
 * one module per resource, mountable in any backend that speaks fetch (README › "Mounting the API").
 */
import { Hono } from 'hono';
import { authenticate } from './auth';
import type { ApiEnv, WorkspaceServices } from './context';
import { answerError, notFound } from './problems';
import { DEFAULT_RATE_LIMIT, limitWrites, type RateLimit } from './rate-limit';
import { connectSessionRoutes } from './routes/connect-sessions';
import { integrationRoutes } from './routes/integrations';
import { profileRoutes } from './routes/profile';
import { stripeWebhookRoutes } from './routes/stripe-webhooks';

export interface WorkspaceApiOptions extends Omit<WorkspaceServices, 'sessionTtlSeconds' | 'now'> {
  sessionTtlSeconds?: number;
  now?: () => number;
  rateLimit?: RateLimit;
}

export function servicesOf(options: WorkspaceApiOptions): WorkspaceServices {
  return { ...options, sessionTtlSeconds: options.sessionTtlSeconds ?? 900, now: options.now ?? Date.now };
}

export function createWorkspaceApi(options: WorkspaceApiOptions): Hono {
  const services = servicesOf(options);
  const api = new Hono<ApiEnv>()
    .use(authenticate(services))
    .use(limitWrites(options.rateLimit ?? DEFAULT_RATE_LIMIT))
    .route('/me', profileRoutes(services))
    .route('/integrations', integrationRoutes(services))
    .route('/connect-sessions', connectSessionRoutes(services));
  api.onError(answerError);
  api.notFound(notFound);

  const app = new Hono();
  app.route('/webhooks/stripe', stripeWebhookRoutes(services));
  app.route('/api/v1', api);
  app.onError(answerError);
  app.notFound(notFound);
  return app;
}
