/**
 * Checks the Stripe authorize URL that the workspace built before the extension opens it: a
 * compromised or misconfigured workspace must not be able to send the admin to another site, to
 * another redirect URI, or into a flow without a state to bind the answer to.
 */
import { appError, type AppError } from './errors';
import { err, ok, type Result } from './result';
import { isLoopbackHost } from './workspace-url';

export interface AuthorizeUrlPolicy {
  /** `identity.getRedirectURL(...)` of this extension. */
  redirectUri: string;
  /** Development and test builds also trust a Stripe emulator on loopback. */
  allowLoopbackStripe: boolean;
}

declare const checked: unique symbol;
/**
 * An authorize URL that passed `checkAuthorizeUrl`. Branded: only that function makes one, and
 * `FlowDeps.launchWebAuthFlow` takes nothing else, so "never open an unchecked URL" is a rule the
 * compiler enforces.
 */
export type AuthorizeUrl = string & { readonly [checked]: true };

export interface CheckedAuthorizeUrl {
  url: AuthorizeUrl;
  state: string;
}

/**
 * The two ways a workspace may ask a Stripe account for access, each with its endpoint and its
 * security parameters. Servers differ on a repeated name (first value, last value, or both) and
 * some match names regardless of case or percent-encoding, so a repeat or a variant spelling could
 * carry past this check what it exists to stop: no name may appear twice, and each security
 * parameter that appears must be written exactly so.
 */
interface AuthorizeEndpoint {
  origin: string;
  path: RegExp;
  /** Must appear, once. */
  required: readonly string[];
  /** May appear (once, written exactly so). */
  optional: readonly string[];
}

/** Stripe Connect OAuth (legacy): `scope=read_only` is how it asks for read access. */
const STRIPE_CONNECT: AuthorizeEndpoint = {
  origin: 'https://connect.stripe.com',
  path: /^\/oauth\/authorize$/,
  required: ['response_type', 'client_id', 'scope', 'redirect_uri', 'state'],
  optional: [],
};

/**
 * Stripe Apps OAuth 2.0: an install link, with or without a channel segment
 * (`/oauth/v2/chnlink_…/authorize`); the app's manifest, not the URL, says what it may read.
 */
const STRIPE_APPS: AuthorizeEndpoint = {
  origin: 'https://marketplace.stripe.com',
  path: /^\/oauth\/v2\/(?:chnlink_[A-Za-z0-9]+\/)?authorize$/,
  required: ['client_id', 'redirect_uri', 'state'],
  optional: ['response_type', 'scope'],
};

/** Case-insensitive as servers may compare: upper then lower also folds `ſ` to s and `ı` to i. */
const fold = (name: string) => name.toUpperCase().toLowerCase();

/** What is wrong with the query's parameter names, or null: no name (decoded, folded) twice. */
function paramNamesProblem(url: URL, endpoint: AuthorizeEndpoint): string | null {
  const guarded = [...endpoint.required, ...endpoint.optional];
  // Names as written, in the order URLSearchParams reads them (it splits on `&`, skips empties).
  const written = url.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=')[0]);
  const seen = new Set<string>();
  for (const [i, name] of [...url.searchParams.keys()].entries()) {
    const key = fold(name);
    if (seen.has(key)) return `parameter ${key.slice(0, 40)} repeated`;
    seen.add(key);
    if (guarded.includes(key) && written[i] !== key) return `${key} spelled ${written[i]}`;
  }
  const missing = endpoint.required.find((name) => !seen.has(name));
  return missing === undefined ? null : `${missing} missing`;
}

export function checkAuthorizeUrl(candidate: string, policy: AuthorizeUrlPolicy): Result<CheckedAuthorizeUrl, AppError> {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return err(appError('untrusted-authorize-url', 'not a URL'));
  }
  const loopback = policy.allowLoopbackStripe && url.protocol === 'http:' && isLoopbackHost(url.hostname);
  // A loopback emulator stands in for either endpoint; its path says which.
  const endpoint = [STRIPE_CONNECT, STRIPE_APPS].find(
    (candidate) => candidate.origin === url.origin || (loopback && candidate.path.test(url.pathname)),
  );
  if (!endpoint) return err(appError('untrusted-authorize-url', `origin ${url.origin}`));
  if (url.username || url.password) {
    return err(appError('untrusted-authorize-url', 'credentials in URL'));
  }
  if (!endpoint.path.test(url.pathname)) {
    return err(appError('untrusted-authorize-url', `path ${url.pathname}`));
  }
  // Nothing after `#` reaches Stripe's server, so nothing legitimate needs it there.
  if (url.hash) return err(appError('untrusted-authorize-url', 'fragment in URL'));
  // Some servers also split the query on `;` (`state=…;scope=read_write`).
  if (url.search.includes(';')) return err(appError('untrusted-authorize-url', 'semicolon in query'));
  const namesProblem = paramNamesProblem(url, endpoint);
  if (namesProblem) return err(appError('untrusted-authorize-url', namesProblem));
  // Each security parameter is now there once, so `get` reads the only value any server sees.
  const params = url.searchParams;
  if (params.get('response_type') !== 'code' && (endpoint.required.includes('response_type') || params.has('response_type'))) {
    return err(appError('untrusted-authorize-url', 'response_type must be code'));
  }
  if (!/^ca_\w+$/.test(params.get('client_id') ?? '')) {
    return err(appError('untrusted-authorize-url', 'client_id missing'));
  }
  // Least privilege: an analytics workspace only reads (Connect says so in the URL; an app's
  // manifest says so for Apps, where a scope, if sent at all, may only say the same).
  if (params.get('scope') !== 'read_only' && (endpoint.required.includes('scope') || params.has('scope'))) {
    return err(appError('untrusted-authorize-url', `scope ${params.get('scope') ?? '(none)'}`));
  }
  if (params.get('redirect_uri') !== policy.redirectUri) {
    return err(appError('untrusted-authorize-url', 'redirect_uri is not this extension'));
  }
  const state = params.get('state') ?? '';
  if (state.length < 16) {
    return err(appError('untrusted-authorize-url', 'state missing or too short'));
  }
  return ok({ url: url.toString() as AuthorizeUrl, state });
}
