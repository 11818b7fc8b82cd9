/**
 * Checks the Stripe authorize URL that the workspace built before the extension opens it: a
 * compromised or misconfigured workspace must not be able to send the admin to another site, to
 * another redirect URI, or into a flow without a state to bind the answer to.
 */
import { appError, type AppError } from './errors';
import { err, ok, type Result } from './result';
import { isLoopbackHost } from './workspace-api';

export const STRIPE_CONNECT_ORIGIN = 'https://connect.stripe.com';

export interface AuthorizeUrlPolicy {
  /** `identity.getRedirectURL(...)` of this extension. */
  redirectUri: string;
  /** Development and test builds also trust a Stripe emulator on loopback. */
  allowLoopbackStripe: boolean;
}

export interface CheckedAuthorizeUrl {
  url: string;
  state: string;
}

export function checkAuthorizeUrl(
  candidate: string,
  policy: AuthorizeUrlPolicy,
): Result<CheckedAuthorizeUrl, AppError> {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return err(appError('untrusted-authorize-url', 'not a URL'));
  }
  const loopback =
    policy.allowLoopbackStripe && url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.origin !== STRIPE_CONNECT_ORIGIN && !loopback) {
    return err(appError('untrusted-authorize-url', `origin ${url.origin}`));
  }
  if (url.username || url.password) {
    return err(appError('untrusted-authorize-url', 'credentials in URL'));
  }
  if (url.pathname !== '/oauth/authorize') {
    return err(appError('untrusted-authorize-url', `path ${url.pathname}`));
  }
  const params = url.searchParams;
  if (params.get('response_type') !== 'code') {
    return err(appError('untrusted-authorize-url', 'response_type must be code'));
  }
  if (!/^ca_\w+$/.test(params.get('client_id') ?? '')) {
    return err(appError('untrusted-authorize-url', 'client_id missing'));
  }
  // Least privilege: an analytics workspace only reads.
  if (params.get('scope') !== 'read_only') {
    return err(appError('untrusted-authorize-url', `scope ${params.get('scope') ?? '(none)'}`));
  }
  if (params.get('redirect_uri') !== policy.redirectUri) {
    return err(appError('untrusted-authorize-url', 'redirect_uri is not this extension'));
  }
  const state = params.get('state') ?? '';
  if (state.length < 16) {
    return err(appError('untrusted-authorize-url', 'state missing or too short'));
  }
  return ok({ url: url.toString(), state });
}
