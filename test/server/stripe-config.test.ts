/** Stripe's configuration from the environment (README › "Real Stripe"). */
import { describe, expect, it } from 'vitest';
import { stripeFromEnv } from '../../server/src/config';
import { createStripeGateway } from '../../server/src/stripe-gateway';

const LINK = 'https://marketplace.stripe.com/oauth/v2/chnlink_61Abc/authorize?client_id=ca_App123&redirect_uri=x';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/stripe';

describe('Stripe configuration', () => {
  it('offers the modes that have a secret key, taking the client id from the install link', () => {
    const { stripe } = stripeFromEnv({ STRIPE_LIVE_SECRET_KEY: 'sk_live_1', STRIPE_LIVE_INSTALL_LINK: LINK });
    expect(stripe).toEqual({
      provider: 'stripe-app',
      modes: { live: { secretKey: 'sk_live_1', clientId: 'ca_App123', authorizeUrl: LINK } },
    });
    // The install link's own query is replaced by the session's: our redirect URI and state only.
    const url = new URL(createStripeGateway(stripe!).authorizeUrl('live', { redirectUri: REDIRECT, state: 's1', reauthenticate: true }));
    expect(`${url.origin}${url.pathname}`).toBe('https://marketplace.stripe.com/oauth/v2/chnlink_61Abc/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'ca_App123', redirect_uri: REDIRECT, state: 's1' });
  });

  it('reads 0.1’s variables (the key says its mode), Connect as the legacy provider, and nothing without a key', () => {
    expect(stripeFromEnv({ STRIPE_PROVIDER: 'connect', STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_CLIENT_ID: 'ca_1' })).toEqual({
      stripe: { provider: 'connect', modes: { test: { secretKey: 'sk_test_1', clientId: 'ca_1' } } },
    });
    expect(stripeFromEnv({ STRIPE_SECRET_KEY: 'rk_live_1', STRIPE_CLIENT_ID: 'ca_1' }).stripe?.modes).toEqual({
      live: { secretKey: 'rk_live_1', clientId: 'ca_1' },
    });
    expect(stripeFromEnv({})).toEqual({});
  });

  it('says what is missing or wrong', () => {
    expect(() => stripeFromEnv({ STRIPE_TEST_SECRET_KEY: 'sk_test_1' })).toThrow('Set STRIPE_TEST_CLIENT_ID');
    expect(() => stripeFromEnv({ STRIPE_PROVIDER: 'oauth', STRIPE_LIVE_SECRET_KEY: 'sk_live_1' })).toThrow('STRIPE_PROVIDER must be');
  });
});
