import { REDIRECT_URI } from './fixtures';
import { describe, expect, it } from 'vitest';
import { parseStripeRedirect } from '../../src/shared/redirect';

const redirectUri = REDIRECT_URI;
const expected = { redirectUri, state: 'state-0123456789abcdef' };

describe('parseStripeRedirect', () => {
  it('reads a granted code', () => {
    expect(parseStripeRedirect(`${redirectUri}?code=ac_123&scope=read_only&state=${expected.state}`, expected)).toEqual({
      ok: true,
      value: { kind: 'granted', code: 'ac_123', scope: 'read_only' },
    });
  });

  it('reads a denial, with or without state (some Stripe cancels omit it)', () => {
    const denied = parseStripeRedirect(
      `${redirectUri}?error=access_denied&error_description=The+user+denied+your+request&state=${expected.state}`,
      expected,
    );
    expect(denied).toEqual({
      ok: true,
      value: { kind: 'denied', error: 'access_denied', errorDescription: 'The user denied your request' },
    });
    expect(parseStripeRedirect(`${redirectUri}?error=access_denied`, expected)).toMatchObject({
      ok: true,
      value: { kind: 'denied' },
    });
  });

  it.each([
    ['a code with another state', `${redirectUri}?code=ac_1&state=other`, 'state-mismatch'],
    ['a code without state', `${redirectUri}?code=ac_1`, 'state-mismatch'],
    ['a denial with another state', `${redirectUri}?error=access_denied&state=other`, 'state-mismatch'],
    ['another redirect target', `https://evil.example/stripe?code=ac_1&state=${expected.state}`, 'state-mismatch'],
    ['neither code nor error', `${redirectUri}?state=${expected.state}`, 'stripe-error'],
    ['garbage', 'not a url', 'stripe-error'],
  ])('refuses %s', (_name, url, code) => {
    const result = parseStripeRedirect(url, expected);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});
