/**
 * Bad input never crashes: thousands of generated inputs through every parser and validator of
 * the core, and each answers with a typed result or a typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAuthorizeUrl } from '../../src/shared/authorize-url';
import { APP_ERROR_CODES } from '../../src/shared/errors';
import { parseCommand } from '../../src/shared/messages';
import { parseStripeRedirect } from '../../src/shared/redirect';
import { createWorkspaceApi, parseRetryAfter, parseWorkspaceUrl } from '../../src/shared/workspace-api';
import { REDIRECT_URI } from './fixtures';

const RUNS = { numRuns: 2000 };
const REDIRECT = REDIRECT_URI;
const codes = new Set<string>(APP_ERROR_CODES);

function expectTyped(result: { ok: boolean; error?: { code: string } }) {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) expect(codes.has(result.error!.code)).toBe(true);
}

/** URLs near the real ones: right and wrong origins, paths, parameters and encodings. */
const urlish = fc.oneof(
  fc.string(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .record({
      origin: fc.constantFrom('https://connect.stripe.com', 'http://127.0.0.1:8788', 'https://evil.example', REDIRECT.slice(0, -7), 'javascript:', ''),
      path: fc.constantFrom('/oauth/authorize', '/stripe', '/', '', '/%2e%2e/'),
      params: fc.dictionary(
        fc.constantFrom('code', 'state', 'error', 'error_description', 'scope', 'redirect_uri', 'client_id', 'response_type'),
        fc.oneof(fc.string(), fc.constantFrom('ac_1', 'read_only', 'code', 'ca_1', REDIRECT, 'access_denied')),
      ),
    })
    .map(({ origin, path, params }) => `${origin}${path}?${new URLSearchParams(params).toString()}`),
);

/** Any JSON, plus near-misses of the real answers. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record({
    integrations: fc.array(
      fc.record({
        id: fc.oneof(fc.string(), fc.integer()),
        provider: fc.constantFrom('stripe', 'paypal', 1),
        status: fc.constantFrom('active', 'expired', 'revoked', 'error', 'weird'),
        stripeAccountId: fc.oneof(fc.string(), fc.constant('acct_1')),
        stripeAccountName: fc.string(),
        livemode: fc.oneof(fc.boolean(), fc.string()),
        connectedAt: fc.oneof(fc.string(), fc.constant('2026-11-24T10:00:00.000Z')),
        lastSyncAt: fc.oneof(fc.constant(null), fc.string()),
        reason: fc.oneof(fc.constant(null), fc.string()),
      }, { requiredKeys: [] }),
    ),
  }),
);

describe('property: bad input never crashes', () => {
  it('checkAuthorizeUrl', () => {
    fc.assert(
      fc.property(urlish, fc.boolean(), (url, loopback) => {
        const result = checkAuthorizeUrl(url, { redirectUri: REDIRECT, allowLoopbackStripe: loopback });
        expectTyped(result);
        if (result.ok) expect(new URL(result.value.url).searchParams.get('redirect_uri')).toBe(REDIRECT);
      }),
      RUNS,
    );
  });

  it('parseStripeRedirect', () => {
    fc.assert(
      fc.property(urlish, fc.string(), (url, state) => {
        const result = parseStripeRedirect(url, { redirectUri: REDIRECT, state });
        expectTyped(result);
        if (result.ok && result.value.kind === 'granted') expect(new URL(url).searchParams.get('state')).toBe(state);
      }),
      RUNS,
    );
  });

  it('parseWorkspaceUrl, parseRetryAfter and parseCommand', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), fc.anything(), (text, anything) => {
        const url = parseWorkspaceUrl(text);
        if (url.ok) expect(['https:', 'http:']).toContain(url.value.protocol);
        const retry = parseRetryAfter(text);
        expect(retry === null || (Number.isFinite(retry) && retry >= 0)).toBe(true);
        expect(parseCommand(anything)).toBeNull();
      }),
      RUNS,
    );
  });

  it('every workspace answer is validated: any status, any body, a typed result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 205 && s !== 304),
        fc.oneof(jsonish.map((j) => JSON.stringify(j)), fc.string()),
        fc.constantFrom('getMe', 'listIntegrations', 'createConnectSession', 'completeConnectSession', 'deleteIntegration'),
        async (status, body, call) => {
          const api = createWorkspaceApi({
            baseUrl: 'https://ws.example/',
            token: 't',
            fetch: (async () => new Response(body, { status, headers: { 'Retry-After': body.slice(0, 5) } })) as typeof fetch,
          });
          const result =
            call === 'createConnectSession'
              ? await api.createConnectSession({ redirectUri: REDIRECT })
              : call === 'completeConnectSession'
                ? await api.completeConnectSession('cs', { code: 'ac', state: 's' }, 'k')
                : call === 'deleteIntegration'
                  ? await api.deleteIntegration('i')
                  : await api[call]();
          expectTyped(result);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
