/**
 * When to send a kept completion again. Stripe authorization codes live five minutes, so retrying
 * past that is pointless; until then a transient failure (network, timeout, 5xx, 429) is retried
 * with exponential backoff and jitter, or after exactly the `Retry-After` the workspace asked for.
 */
import type { AppError, AppErrorCode } from './errors';

export const CODE_LIFETIME_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 30_000;
// 'in-progress': the workspace is still working on an earlier attempt with the same key (409).
const RETRYABLE: ReadonlySet<AppErrorCode> = new Set(['workspace-unreachable', 'timeout', 'server-error', 'rate-limited', 'in-progress']);

export const isRetryable = (error: AppError): boolean => RETRYABLE.has(error.code);

/** Milliseconds to wait before attempt `attempt + 1`, or null to give up. */
export function nextRetryDelay(
  attempt: number,
  error: AppError,
  grantedAt: number,
  now: number,
  random: () => number = Math.random,
): number | null {
  if (!isRetryable(error)) return null;
  const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.5 + random() / 2);
  const delay = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : backoff;
  return now + delay < grantedAt + CODE_LIFETIME_MS ? Math.round(delay) : null;
}
