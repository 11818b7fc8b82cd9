/**
 * Which integrations need the admin, and in which order the popup lists them. Pure: no
 * `browser.*`. (The badge and notifications, which only the service worker needs, are in
 * alerts.ts, so the popup does not load them.)
 */
import type { Integration } from './schemas';

/** The roles and statuses this release knows (kept apart from schemas.ts, which brings valibot). */
export const KNOWN_ROLES = ['admin', 'standard', 'read-only'] as const;
export const KNOWN_STATUSES = ['active', 'expired', 'revoked', 'error'] as const;
type KnownStatus = (typeof KNOWN_STATUSES)[number];
export const isKnownStatus = (status: string): status is KnownStatus => (KNOWN_STATUSES as readonly string[]).includes(status);

const ATTENTION_ORDER: Record<KnownStatus, number> = { revoked: 0, expired: 1, error: 2, active: 3 };
/** A status this release does not know is shown neutrally, among the healthy ones. */
const orderOf = (status: string): number => (isKnownStatus(status) ? ATTENTION_ORDER[status] : ATTENTION_ORDER.active);

/** Revoked, expired or failing to sync: the admin has something to do. */
export const needsAttention = (integration: Integration): boolean => orderOf(integration.status) < ATTENTION_ORDER.active;

// One collator for every comparison: `localeCompare` builds one per call.
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

/** Those needing attention first (revoked, expired, error), then by account name. */
export function sortForDisplay(integrations: readonly Integration[]): Integration[] {
  return [...integrations].sort(
    (a, b) =>
      orderOf(a.status) - orderOf(b.status) ||
      byName(a.stripeAccountName ?? a.stripeAccountId, b.stripeAccountName ?? b.stripeAccountId) ||
      byName(a.id, b.id),
  );
}
