/**
 * Reads the URL Stripe redirected to at the end of `launchWebAuthFlow`:
 * `…?code=ac_…&scope=read_only&state=…` or `…?error=access_denied&error_description=…&state=…`.
 */
import { appError, type AppError } from './errors';
import { err, ok, type Result } from './result';

export type AuthorizationOutcome =
  { kind: 'granted'; code: string; scope: string | null } | { kind: 'denied'; error: string; errorDescription: string | null };

export function parseStripeRedirect(
  responseUrl: string,
  expected: { redirectUri: string; state: string },
): Result<AuthorizationOutcome, AppError> {
  let url: URL;
  let redirect: URL;
  try {
    url = new URL(responseUrl);
    redirect = new URL(expected.redirectUri);
  } catch {
    return err(appError('stripe-error', 'redirect is not a URL'));
  }
  if (url.origin !== redirect.origin || url.pathname !== redirect.pathname) {
    return err(appError('state-mismatch', 'redirect went elsewhere'));
  }
  const params = url.searchParams;
  const state = params.get('state');
  const error = params.get('error');
  if (error !== null) {
    // On cancel some Stripe flows omit `state`; a denial without one grants nothing, so it is safe
    // to report. A denial with a different state is someone else's answer.
    if (state !== null && state !== expected.state) {
      return err(appError('state-mismatch', 'state differs on error redirect'));
    }
    return ok({ kind: 'denied', error, errorDescription: params.get('error_description') });
  }
  const code = params.get('code');
  if (code === null || code === '') {
    return err(appError('stripe-error', 'redirect has neither code nor error'));
  }
  if (state !== expected.state) {
    return err(appError('state-mismatch', state === null ? 'state missing' : 'state differs'));
  }
  return ok({ kind: 'granted', code, scope: params.get('scope') });
}
