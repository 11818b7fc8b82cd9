/**
 * Which integrations need the admin, and in which order the popup lists them. Pure: no
 * `browser.*`. (The badge and notifications, which only the service worker needs, are in
 * alerts.ts, so the popup does not load them.)
 */
import type { Integration, IntegrationStatus } from './schemas';

const ATTENTION_ORDER: Record<IntegrationStatus, number> = { revoked: 0, expired: 1, error: 2, active: 3 };

export const needsAttention = (integration: Integration): boolean => integration.status !== 'active';

// One collator for every comparison: `localeCompare` builds one per call.
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

/** Those needing attention first (revoked, expired, error), then by account name. */
export function sortForDisplay(integrations: readonly Integration[]): Integration[] {
  return [...integrations].sort(
    (a, b) =>
      ATTENTION_ORDER[a.status] - ATTENTION_ORDER[b.status] ||
      byName(a.stripeAccountName, b.stripeAccountName) ||
      byName(a.id, b.id),
  );
}
