/**
 * What the toolbar says about integration health: the badge, and which breaks have not been
 * notified yet. Pure: no `browser.*`.
 */
import { needsAttention, sortForDisplay } from './attention';
import type { Integration } from './schemas';

/** Names a tooltip or a notification lists before "and N more". */
export const NAMES_SHOWN = 3;

/** The first NAMES_SHOWN account names of a list already in display order (the id where Stripe shared no name). */
const firstNames = (sorted: readonly Integration[]): string[] =>
  sorted.slice(0, NAMES_SHOWN).map((i) => i.stripeAccountName ?? i.stripeAccountId);

export interface Badge {
  /** Empty when nothing needs attention: no badge at all. */
  text: string;
  /** Names of the first integrations that need attention, for the tooltip. */
  names: string[];
  /** How many more need attention than `names` lists. */
  more: number;
}

export function badgeFor(integrations: readonly Integration[]): Badge {
  const attention = sortForDisplay(integrations).filter(needsAttention);
  return {
    text: attention.length === 0 ? '' : attention.length > 99 ? '99+' : String(attention.length),
    names: firstNames(attention),
    more: Math.max(0, attention.length - NAMES_SHOWN),
  };
}

/** What to notify: one notification per break, or one for them all when many break at once. */
export type BreakNotice = { kind: 'one'; integration: Integration } | { kind: 'many'; count: number; names: string[] };

/**
 * Up to NAMES_SHOWN new breaks are notified one by one; more at once get one notification, not a
 * storm. It counts everything that needs attention (as the badge does) and names the new breaks.
 */
export function noticesFor(due: readonly Integration[], needingAttention: number): BreakNotice[] {
  if (due.length <= NAMES_SHOWN) return due.map((integration) => ({ kind: 'one', integration }));
  return [{ kind: 'many', count: Math.max(needingAttention, due.length), names: firstNames(sortForDisplay(due)) }];
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
