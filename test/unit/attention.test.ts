import { describe, expect, it } from 'vitest';
import { badgeFor, noticesFor, notificationsDue } from '../../src/shared/alerts';
import { sortForDisplay } from '../../src/shared/attention';
import type { Integration } from '../../src/shared/schemas';
import { integrationFixture } from './fixtures';

const integration = (id: string, name: string, status: string): Integration =>
  integrationFixture({ id, stripeAccountId: `acct_${id}`, stripeAccountName: name, status, reason: status === 'active' ? null : 'why' });

describe('health', () => {
  const list = [
    integration('a', 'Alpha', 'active'),
    integration('b', 'Beta', 'error'),
    integration('c', 'Gamma', 'revoked'),
    integration('d', 'Delta', 'expired'),
    integration('e', 'Aardvark', 'active'),
  ];

  it('lists those needing attention first, then by name', () => {
    expect(sortForDisplay(list).map((i) => i.stripeAccountName)).toEqual(['Gamma', 'Delta', 'Beta', 'Aardvark', 'Alpha']);
  });

  it('counts what needs attention on the badge, and nothing when all is well', () => {
    expect(badgeFor(list)).toEqual({ text: '3', names: ['Gamma', 'Delta', 'Beta'], more: 0 });
    expect(badgeFor([integration('a', 'Alpha', 'active')])).toEqual({ text: '', names: [], more: 0 });
    const many = Array.from({ length: 120 }, (_, n) => integration(String(n), `N${n}`, 'expired'));
    // The tooltip names the first three and counts the rest.
    expect(badgeFor(many)).toEqual({ text: '99+', names: ['N0', 'N1', 'N2'], more: 117 });
  });

  it('notifies up to three breaks one by one, and more at once in one notification', () => {
    const broken = list.filter((i) => i.status !== 'active');
    expect(noticesFor(broken, 3)).toEqual(broken.map((i) => ({ kind: 'one', integration: i })));
    const storm = Array.from({ length: 25 }, (_, n) => integration(String(n), `Store ${25 - n}`, 'expired'));
    // It counts all that need attention (30 here, 5 of them already notified) and names new ones.
    expect(noticesFor(storm, 30)).toEqual([{ kind: 'many', count: 30, names: ['Store 1', 'Store 2', 'Store 3'] }]);
    expect(noticesFor([], 2)).toEqual([]);
  });

  it('notifies each break once, and again only after the integration recovered', () => {
    const first = notificationsDue(list, []);
    expect(first.due.map((i) => i.id)).toEqual(['b', 'c', 'd']);
    expect(notificationsDue(list, first.notified).due).toEqual([]);
    const recovered = list.map((i) => (i.id === 'b' ? { ...i, status: 'active' as const } : i));
    const afterRecovery = notificationsDue(recovered, first.notified);
    expect(afterRecovery.due).toEqual([]);
    expect(afterRecovery.notified).toEqual(['c', 'd']);
    expect(notificationsDue(list, afterRecovery.notified).due.map((i) => i.id)).toEqual(['b']);
  });
});
