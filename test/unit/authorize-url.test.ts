import { describe, expect, it } from 'vitest';
import { REDIRECT_URI } from './fixtures';
import { checkAuthorizeUrl } from '../../src/shared/authorize-url';

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

  it('trusts a loopback Stripe emulator only when the build allows it', () => {
    const emulator = authorizeUrl('http://127.0.0.1:8788/oauth/authorize');
    expect(checkAuthorizeUrl(emulator, policy).ok).toBe(false);
    expect(checkAuthorizeUrl(emulator, { ...policy, allowLoopbackStripe: true }).ok).toBe(true);
    const remoteHttp = authorizeUrl('http://10.0.0.5:8788/oauth/authorize');
    expect(checkAuthorizeUrl(remoteHttp, { ...policy, allowLoopbackStripe: true }).ok).toBe(false);
  });
});
