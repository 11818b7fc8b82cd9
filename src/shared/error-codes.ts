/**
 * Every way a flow or a workspace call can fail (see errors.ts). A module of its own: the pages
 * need only the type, and a list imported by them would be loaded by every popup.
 */
export const APP_ERROR_CODES = [
  'not-configured',
  'permission-denied',
  'window-closed',
  'cancelled',
  'access-denied',
  'stripe-error',
  'state-mismatch',
  'untrusted-authorize-url',
  'workspace-unreachable',
  'not-a-workspace',
  'timeout',
  'unauthorized',
  'forbidden',
  'session-expired',
  'integration-gone',
  'in-progress',
  'account-mismatch',
  'rate-limited',
  'server-error',
  'bad-response',
  'rejected',
  'interrupted',
  'sign-in-unavailable',
  'sign-in-cancelled',
  'sign-in-declined',
  'sign-in-failed',
  'signed-out',
  'unknown',
] as const;
