import { describe, expect, expectTypeOf, it } from 'vitest';
import { REDIRECT_URI } from './fixtures';
import { checkAuthorizeUrl, type AuthorizeUrl } from '../../src/shared/authorize-url';
import type { FlowDeps } from '../../src/shared/connect-flow';
import type { MessageKey, PluralKey } from '../../src/shared/translate';

const REDIRECT = REDIRECT_URI;
const policy = { redirectUri: REDIRECT, allowLoopbackStripe: false };
const STATE = 'x6nC1AbsbdNTjsTwN70RT3FJR8qY_J88';

function authorizeUrl(base = 'https://connect.stripe.com/oauth/authorize', overrides: Record<string, string | null> = {}) {
  const url = new URL(base);
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: 'ca_123abc',
    scope: 'read_only',
    redirect_uri: REDIRECT,
    state: STATE,
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

describe('checkAuthorizeUrl', () => {
  it('accepts Stripe’s authorize endpoint with our redirect URI and a state', () => {
    const result = checkAuthorizeUrl(authorizeUrl(), policy);
    expect(result).toEqual({ ok: true, value: { url: authorizeUrl(), state: STATE } });
  });

  it.each([
    ['another origin', authorizeUrl('https://connect.stripe.com.evil.example/oauth/authorize'), 'origin'],
    ['plain http Stripe', authorizeUrl('http://connect.stripe.com/oauth/authorize'), 'origin'],
    ['another path', authorizeUrl('https://connect.stripe.com/express/oauth/authorize'), 'path'],
    ['another redirect URI', authorizeUrl(undefined, { redirect_uri: 'https://evil.example/cb' }), 'redirect_uri'],
    ['no state', authorizeUrl(undefined, { state: null }), 'state'],
    ['a short state', authorizeUrl(undefined, { state: 'abc' }), 'state'],
    ['read_write scope', authorizeUrl(undefined, { scope: 'read_write' }), 'scope'],
    ['no client id', authorizeUrl(undefined, { client_id: null }), 'client_id'],
    ['implicit grant', authorizeUrl(undefined, { response_type: 'token' }), 'response_type'],
    ['not a URL', 'connect.stripe.com/oauth/authorize', 'not a URL'],
    ['credentials', authorizeUrl('https://user:pw@connect.stripe.com/oauth/authorize'), 'credentials'],
  ])('refuses %s', (_name, url, detail) => {
    const result = checkAuthorizeUrl(url, policy);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('untrusted-authorize-url');
      expect(result.error.detail).toContain(detail);
    }
  });

  it.each([
    ['a repeated scope', '&scope=read_write', 'scope repeated'],
    ['our redirect_uri then a foreign one', '&redirect_uri=https%3A%2F%2Fevil.example%2Fcb', 'redirect_uri repeated'],
    ['a repeated state', '&state=AAAAAAAAAAAAAAAAAAAAAAAA', 'state repeated'],
    ['a repeated client_id', '&client_id=ca_evil', 'client_id repeated'],
    ['a repeated unknown parameter', '&stripe_landing=login&stripe_landing=register', 'stripe_landing repeated'],
    ['a mixed-case SCOPE alongside scope', '&SCOPE=read_write', 'scope repeated'],
    ['a percent-encoded name sc%6Fpe', '&sc%6Fpe=read_write', 'scope repeated'],
    ['a Unicode look-alike name (long s)', '&%C5%BFcope=read_write', 'scope repeated'],
    ['a fragment', '#scope=read_write', 'fragment'],
    ['a semicolon-separated extra parameter', ';scope=read_write', 'semicolon'],
  ])('refuses %s', (_name, suffix, detail) => {
    const result = checkAuthorizeUrl(authorizeUrl() + suffix, policy);
    expect(result).toEqual({ ok: false, error: { code: 'untrusted-authorize-url', detail: expect.stringContaining(detail) } });
  });

  it.each([
    [
      'a foreign redirect_uri then ours',
      `redirect_uri=https%3A%2F%2Fevil.example%2Fcb&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read_only`,
      'redirect_uri repeated',
    ],
    ['Redirect_URI alone', `Redirect_URI=${encodeURIComponent(REDIRECT)}&scope=read_only`, 'redirect_uri spelled Redirect_URI'],
    ['a percent-encoded scope alone', `redirect_uri=${encodeURIComponent(REDIRECT)}&sc%6Fpe=read_only`, 'scope spelled sc%6Fpe'],
  ])('refuses %s', (_name, query, detail) => {
    const url = `https://connect.stripe.com/oauth/authorize?response_type=code&client_id=ca_123abc&${query}&state=${STATE}`;
    const result = checkAuthorizeUrl(url, policy);
    expect(result).toEqual({ ok: false, error: { code: 'untrusted-authorize-url', detail: expect.stringContaining(detail) } });
  });

  it('accepts the URLs the reference workspace builds, first connection and reauthentication', () => {
    // As server/src/workspace-api.ts createSession builds them.
    const build = (reauthenticate: boolean) => {
      const authorize = new URL('/oauth/authorize', 'https://connect.stripe.com');
      authorize.searchParams.set('response_type', 'code');
      authorize.searchParams.set('client_id', 'ca_123abc');
      authorize.searchParams.set('scope', 'read_only');
      authorize.searchParams.set('redirect_uri', REDIRECT);
      authorize.searchParams.set('state', STATE);
      if (reauthenticate) {
        authorize.searchParams.set('always_prompt', 'true');
        authorize.searchParams.set('stripe_landing', 'login');
      }
      return authorize.toString();
    };
    for (const url of [build(false), build(true)]) {
      expect(checkAuthorizeUrl(url, policy)).toEqual({ ok: true, value: { url, state: STATE } });
    }
    expect(build(true)).toContain('&always_prompt=true&stripe_landing=login');
  });

  describe('Stripe Apps install links', () => {
    const apps = (
      path = '/oauth/v2/authorize',
      query = `client_id=ca_123abc&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${STATE}`,
    ) => `https://marketplace.stripe.com${path}?${query}`;

    it.each([
      ['the install link', apps()],
      ['a Dashboard link with its channel segment', apps('/oauth/v2/chnlink_61R3xExAmPlE0a1b2c3/authorize')],
      [
        'a link that also says response_type=code',
        apps(undefined, `response_type=code&client_id=ca_123abc&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${STATE}`),
      ],
      [
        'a link that also says scope=read_only',
        apps(undefined, `client_id=ca_123abc&scope=read_only&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${STATE}`),
      ],
    ])('accepts %s, with no scope required', (_name, url) => {
      expect(checkAuthorizeUrl(url, policy)).toEqual({ ok: true, value: { url, state: STATE } });
    });

    const ours = `redirect_uri=${encodeURIComponent(REDIRECT)}`;
    it.each([
      ['another marketplace path', apps('/oauth/authorize'), 'path'],
      ['a channel segment that is not a channel link', apps('/oauth/v2/../authorize'), 'path'],
      ['a channel segment with a slash in it', apps('/oauth/v2/chnlink_a/b/authorize'), 'path'],
      ['Connect’s path on the marketplace origin', apps('/oauth/v2/authorize/extra'), 'path'],
      ['no client id', apps(undefined, `${ours}&state=${STATE}`), 'client_id missing'],
      ['a client id that is not ca_', apps(undefined, `client_id=pk_123&${ours}&state=${STATE}`), 'client_id'],
      [
        'a foreign redirect URI',
        apps(undefined, `client_id=ca_1&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=${STATE}`),
        'redirect_uri',
      ],
      ['no state', apps(undefined, `client_id=ca_1&${ours}`), 'state missing'],
      ['a repeated redirect_uri', apps(undefined, `client_id=ca_1&${ours}&${ours}&state=${STATE}`), 'redirect_uri repeated'],
      ['a repeated client_id', apps(undefined, `client_id=ca_1&client_id=ca_2&${ours}&state=${STATE}`), 'client_id repeated'],
      ['a repeated state', apps(undefined, `client_id=ca_1&${ours}&state=${STATE}&state=${STATE}x`), 'state repeated'],
      ['a repeated scope', apps(undefined, `client_id=ca_1&scope=read_only&scope=read_write&${ours}&state=${STATE}`), 'scope repeated'],
      ['a scope asking to write', apps(undefined, `client_id=ca_1&scope=read_write&${ours}&state=${STATE}`), 'scope read_write'],
      ['a scope spelt otherwise', apps(undefined, `client_id=ca_1&SCOPE=read_write&${ours}&state=${STATE}`), 'scope spelled SCOPE'],
      ['a response type other than code', apps(undefined, `response_type=token&client_id=ca_1&${ours}&state=${STATE}`), 'response_type'],
      ['plain http', apps().replace('https:', 'http:'), 'origin'],
      ['a look-alike host', apps().replace('marketplace.stripe.com', 'marketplace.stripe.com.evil.example'), 'origin'],
    ])('refuses %s', (_name, url, detail) => {
      expect(checkAuthorizeUrl(url, policy)).toEqual({
        ok: false,
        error: { code: 'untrusted-authorize-url', detail: expect.stringContaining(detail) },
      });
    });

    it('a loopback emulator stands in for either endpoint, by its path, only when the build allows it', () => {
      const emulated = apps().replace('https://marketplace.stripe.com', 'http://127.0.0.1:8788');
      expect(checkAuthorizeUrl(emulated, policy).ok).toBe(false);
      expect(checkAuthorizeUrl(emulated, { ...policy, allowLoopbackStripe: true }).ok).toBe(true);
      // On loopback the Connect path keeps Connect's rules: without scope=read_only it is refused.
      const connectWithoutScope = authorizeUrl('http://127.0.0.1:8788/oauth/authorize', { scope: null });
      expect(checkAuthorizeUrl(connectWithoutScope, { ...policy, allowLoopbackStripe: true })).toMatchObject({
        ok: false,
        error: { detail: 'scope missing' },
      });
    });
  });

  it('trusts a loopback Stripe emulator only when the build allows it', () => {
    const emulator = authorizeUrl('http://127.0.0.1:8788/oauth/authorize');
    expect(checkAuthorizeUrl(emulator, policy).ok).toBe(false);
    expect(checkAuthorizeUrl(emulator, { ...policy, allowLoopbackStripe: true }).ok).toBe(true);
    const remoteHttp = authorizeUrl('http://10.0.0.5:8788/oauth/authorize');
    expect(checkAuthorizeUrl(remoteHttp, { ...policy, allowLoopbackStripe: true }).ok).toBe(false);
  });
});

describe('types that carry a check', () => {
  it('only what checkAuthorizeUrl returns can be opened; only keys in messages.json can be translated', () => {
    expectTypeOf<string>().not.toExtend<AuthorizeUrl>();
    expectTypeOf<Parameters<FlowDeps['launchWebAuthFlow']>[0]>().toEqualTypeOf<AuthorizeUrl>();
    expectTypeOf<'connectWithStripe'>().toExtend<MessageKey>();
    expectTypeOf<'connectWithStirpe'>().not.toExtend<MessageKey>();
    expectTypeOf<PluralKey>().toEqualTypeOf<'needAttention' | 'unreadableIntegrations' | 'syncTables' | 'syncRows'>();
  });
});
