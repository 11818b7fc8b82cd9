/**
 * Bad input never crashes: thousands of generated inputs through every parser and validator of
 * the core, and each answers with a typed result or a typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAuthorizeUrl } from '../../src/shared/authorize-url';
import { APP_ERROR_CODES } from '../../src/shared/error-codes';
import { parseCommand } from '../../src/shared/commands';
import { parseStripeRedirect } from '../../src/shared/redirect';
import { createWorkspaceApi, parseRetryAfter } from '../../src/shared/workspace-api';
import { parseWorkspaceUrl } from '../../src/shared/workspace-url';
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
      origin: fc.constantFrom(
        'https://connect.stripe.com',
        'http://127.0.0.1:8788',
        'https://evil.example',
        REDIRECT.slice(0, -7),
        'javascript:',
        '',
      ),
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
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.integer()),
          provider: fc.constantFrom('stripe', 'paypal', 1),
          status: fc.constantFrom('active', 'expired', 'revoked', 'error', 'weird'),
          stripeAccountId: fc.oneof(fc.string(), fc.constant('acct_1')),
          stripeAccountName: fc.string(),
          livemode: fc.oneof(fc.boolean(), fc.string()),
          connectedAt: fc.oneof(fc.string(), fc.constant('2026-11-24T10:00:00.000Z')),
          lastSyncAt: fc.oneof(fc.constant(null), fc.string()),
          reason: fc.oneof(fc.constant(null), fc.string()),
        },
        { requiredKeys: [] },
      ),
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
        fc.oneof(
          jsonish.map((j) => JSON.stringify(j)),
          fc.string(),
        ),
        fc.constantFrom('getMe', 'listIntegrations', 'createConnectSession', 'completeConnectSession', 'deleteIntegration'),
        async (status, body, call) => {
          const api = createWorkspaceApi({
            baseUrl: 'https://ws.example/',
            token: 't',
            fetch: async () => new Response(body, { status, headers: { 'Retry-After': body.slice(0, 5) } }),
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

/** A valid authorize URL's parameters, in the order the reference workspace writes them. */
const authorizeParams = fc
  .record({
    clientId: fc.stringMatching(/^ca_\w{1,24}$/),
    state: fc.stringMatching(/^[\w-]{16,48}$/),
    reauthenticate: fc.boolean(),
  })
  .map(({ clientId, state, reauthenticate }): [string, string][] => [
    ['response_type', 'code'],
    ['client_id', clientId],
    ['scope', 'read_only'],
    ['redirect_uri', REDIRECT],
    ['state', state],
    ...(reauthenticate
      ? ([
          ['always_prompt', 'true'],
          ['stripe_landing', 'login'],
        ] as [string, string][])
      : []),
  ]);

const authorizeUrlOf = (pairs: [string, string][]) =>
  `https://connect.stripe.com/oauth/authorize?${pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')}`;

/** How one character of a name is written: its case (or a look-alike that case-folds to it) and whether percent-encoded. */
const spelling = fc.record({
  letter: fc.constantFrom('lower', 'upper', 'look-alike'),
  encoded: fc.boolean(),
  upperHex: fc.boolean(),
});
const LOOK_ALIKES: Record<string, string> = { s: 'ſ', i: 'ı', k: 'K' };

function spell(name: string, spellings: { letter: string; encoded: boolean; upperHex: boolean }[]): string {
  return Array.from(name)
    .map((c, i) => {
      const { letter, encoded, upperHex } = spellings[i]!;
      const char = letter === 'upper' ? c.toUpperCase() : letter === 'look-alike' ? (LOOK_ALIKES[c] ?? c.toUpperCase()) : c;
      if (!encoded) return char;
      const hex = char.charCodeAt(0) < 0x80 ? `%${char.charCodeAt(0).toString(16).padStart(2, '0')}` : encodeURIComponent(char);
      return upperHex ? hex.toUpperCase() : hex.toLowerCase();
    })
    .join('');
}

describe('property: authorize URL parameters', () => {
  it('a repeated parameter, however spelled, encoded, valued or placed, is refused', () => {
    fc.assert(
      fc.property(
        authorizeParams,
        fc.nat(),
        fc.array(spelling, { minLength: 16, maxLength: 16 }), // one per character of the longest name,
        fc.oneof(
          fc.constant(null), // the same value again
          fc.string({ unit: 'grapheme' }),
          fc.constantFrom('read_write', 'https://evil.example/cb', REDIRECT, 'code', 'token', 'ca_evil', ''),
        ),
        fc.nat(),
        (pairs, which, spellings, value, position) => {
          const [name, original] = pairs[which % pairs.length]!;
          const repeat: [string, string] = [spell(name, spellings), value ?? original];
          const withRepeat = [...pairs];
          withRepeat.splice(position % (pairs.length + 1), 0, repeat);
          const url = authorizeUrlOf(withRepeat);
          const result = checkAuthorizeUrl(url, { redirectUri: REDIRECT, allowLoopbackStripe: false });
          expect(result).toEqual({
            ok: false,
            error: { code: 'untrusted-authorize-url', detail: expect.stringMatching(/ repeated$| spelled /) },
          });
        },
      ),
      RUNS,
    );
  });

  it('a security parameter written any other way (case, look-alike, percent-encoding) is refused', () => {
    fc.assert(
      fc.property(authorizeParams, fc.nat(), fc.array(spelling, { minLength: 16, maxLength: 16 }), (pairs, which, spellings) => {
        const index = which % 5; // the five security parameters come first
        const [name, value] = pairs[index]!;
        const variant = spell(name, spellings);
        fc.pre(variant !== name);
        const url = authorizeUrlOf(pairs.map((pair, i) => (i === index ? [variant, value] : pair)));
        expect(checkAuthorizeUrl(url, { redirectUri: REDIRECT, allowLoopbackStripe: false }).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('a valid URL is accepted whatever the order of its parameters', () => {
    fc.assert(
      fc.property(
        authorizeParams.chain((pairs) => fc.shuffledSubarray(pairs, { minLength: pairs.length })),
        (pairs) => {
          const url = authorizeUrlOf(pairs);
          const state = pairs.find(([name]) => name === 'state')![1];
          expect(checkAuthorizeUrl(url, { redirectUri: REDIRECT, allowLoopbackStripe: false })).toEqual({
            ok: true,
            value: { url: new URL(url).toString(), state },
          });
        },
      ),
      RUNS,
    );
  });
});
