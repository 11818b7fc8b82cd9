import { describe, expect, it } from 'vitest';
import { badgeFor, notificationsDue } from '../../src/shared/alerts';
import { sortForDisplay } from '../../src/shared/health';
import type { Integration, IntegrationStatus } from '../../src/shared/schemas';
import { integrationFixture } from './fixtures';

const integration = (id: string, name: string, status: IntegrationStatus): Integration =>
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
    expect(badgeFor(list)).toEqual({ text: '3', names: ['Gamma', 'Delta', 'Beta'] });
    expect(badgeFor([integration('a', 'Alpha', 'active')])).toEqual({ text: '', names: [] });
    const many = Array.from({ length: 120 }, (_, n) => integration(String(n), `N${n}`, 'expired'));
    expect(badgeFor(many).text).toBe('99+');
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
