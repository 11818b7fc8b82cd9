/**
 * The contract's error taxonomy: what each workspace answer means, as one table the client, the
 * OpenAPI document (`x-problem-codes`, `x-status-meanings`) and a unit test share. A documented
 * problem `code` decides; an unknown code falls back to what its HTTP status means for that call,
 * so a workspace that adds codes never turns a known situation into a wrong message.
 */
import type { AppErrorCode } from './errors';

/** The calls whose failures mean different things (a 404 on the profile is not a 404 on an integration). */
export type WorkspaceCall = 'profile' | 'list' | 'create-session' | 'reauthenticate-session' | 'complete-session' | 'delete-integration';

/** Every problem `code` the contract documents, and the error the admin is told about. */
export const PROBLEM_CODES = {
  unauthenticated: 'unauthorized',
  invalid_token: 'unauthorized',
  admin_required: 'forbidden',
  integration_not_found: 'integration-gone',
  session_not_found: 'session-expired',
  session_expired: 'session-expired',
  session_closed: 'session-expired',
  authorization_expired: 'session-expired',
  stripe_error: 'stripe-error',
  mode_not_offered: 'rejected',
  state_mismatch: 'state-mismatch',
  account_mismatch: 'account-mismatch',
  idempotency_key_in_use: 'in-progress',
  rate_limited: 'rate-limited',
  database_unavailable: 'server-error',
} as const satisfies Record<string, AppErrorCode>;

const isDocumentedCode = (code: string): code is keyof typeof PROBLEM_CODES => Object.hasOwn(PROBLEM_CODES, code);

/** What a status means when the problem code is missing or unknown. */
export function statusMeaning(call: WorkspaceCall, status: number, hasRetryAfter: boolean): AppErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      // Only the profile tells whether this is a workspace at all; an integration that is not
      // found was removed (by a colleague, say), and a session that is not found is over.
      if (call === 'profile') return 'not-a-workspace';
      if (call === 'reauthenticate-session' || call === 'delete-integration') return 'integration-gone';
      if (call === 'complete-session') return 'session-expired';
      return 'bad-response';
    case 409:
      // The IETF Idempotency-Key draft answers a retry that overlaps the original with 409 and
      // `Retry-After`: the first attempt is still being worked on, not refused.
      return hasRetryAfter ? 'in-progress' : 'rejected';
    case 410:
      return 'session-expired';
    case 429:
      return 'rate-limited';
    default:
      if (status >= 500) return 'server-error';
      if (status >= 400) return 'rejected';
      return 'bad-response';
  }
}

export function classifyProblem(call: WorkspaceCall, status: number, code: string | undefined, hasRetryAfter: boolean): AppErrorCode {
  if (code !== undefined && isDocumentedCode(code)) return PROBLEM_CODES[code];
  return statusMeaning(call, status, hasRetryAfter);
}
