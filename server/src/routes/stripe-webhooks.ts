/**
 * `POST /webhooks/stripe`: `account.application.deauthorized` means the merchant uninstalled the app
 * (or disconnected the Connect platform) in that mode.
 */
import { Hono } from 'hono';
import type { WorkspaceServices } from '../context';
import { setHealth } from '../data/integrations';
import { HttpError, jsonResponse, readText } from '../problems';

export function stripeWebhookRoutes(services: WorkspaceServices) {
  return new Hono().post('/', async (c) => {
    const payload = await readText(c.req.raw);
    const event = services.stripe.verifyEvent(payload, c.req.header('stripe-signature') ?? '');
    if (!event) throw new HttpError(400, 'invalid_signature', 'Invalid Stripe signature');
    const account = event.account;
    if (event.type === 'account.application.deauthorized' && account) {
      // Every workspace connected to that account in that mode loses it.
      await services.db.transaction((tx) =>
        setHealth(tx, { stripeAccountId: account, livemode: event.livemode }, { status: 'revoked', problem: { code: 'revoked' } }),
      );
    }
    return jsonResponse(200, { received: true });
  });
}
