/**
 * What the toolbar says about integration health: the badge, and which breaks have not been
 * notified yet. Pure: no `browser.*`.
 */
import { needsAttention, sortForDisplay } from './health';
import type { Integration } from './schemas';

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
