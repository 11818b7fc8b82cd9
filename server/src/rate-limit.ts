/**
 * Write routes are rate limited per API token (hono-rate-limiter, a fixed window in this process):
 * past the limit, 429 with `Retry-After`, which the extension honours. WORKSPACE_RATE_LIMIT=0 turns it off.
 */
import type { MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { ApiEnv } from './context';
import { HttpError } from './problems';

export interface RateLimit {
  /** Writes per token per window; 0 turns limiting off. */
  writes: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { writes: 60, windowSeconds: 60 };

export function limitWrites(limit: RateLimit): MiddlewareHandler<ApiEnv> {
  if (limit.writes <= 0) return (_c, next) => next();
  const limiter = rateLimiter<ApiEnv>({
    windowMs: limit.windowSeconds * 1000,
    limit: limit.writes,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => c.get('caller').tokenKey,
    handler: (c) => {
      const reset = c.get('rateLimit' as never) as { resetTime?: Date } | undefined;
      const seconds = Math.max(1, Math.ceil(((reset?.resetTime?.getTime() ?? Date.now() + 1000) - Date.now()) / 1000));
      throw new HttpError(429, 'rate_limited', 'Too many requests', `Too many changes with this API token. Retry in ${seconds} s.`, {
        'Retry-After': String(seconds),
      });
    },
  });
  return async (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limiter(c, next));
}
