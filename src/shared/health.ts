/**
 * Integration health as the toolbar shows it: which integrations need the admin, in which order,
 * what the badge says, and which breaks have not been notified yet. Pure: no `browser.*`.
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

export interface Badge {
  /** Empty when nothing needs attention: no badge at all. */
  text: string;
  /** Names of the integrations that need attention, for the tooltip. */
  names: string[];
}

export function badgeFor(integrations: readonly Integration[]): Badge {
  const attention = sortForDisplay(integrations).filter(needsAttention);
  return {
    text: attention.length === 0 ? '' : attention.length > 99 ? '99+' : String(attention.length),
    names: attention.map((i) => i.stripeAccountName),
  };
}

/**
 * Which breaks to notify: each integration once when it becomes expired, revoked or broken, and
 * again only after it has been active in between.
 */
export function notificationsDue(
  integrations: readonly Integration[],
  alreadyNotified: readonly string[],
): { due: Integration[]; notified: string[] } {
  const before = new Set(alreadyNotified);
  const broken = integrations.filter(needsAttention);
  return {
    due: broken.filter((i) => !before.has(i.id)),
    notified: broken.map((i) => i.id).sort(),
  };
}
