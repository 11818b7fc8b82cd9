import type { Integration } from '../../src/shared/schemas';

export { DEVELOPMENT_REDIRECT_URI as REDIRECT_URI } from '../../scripts/extension-ids';

/** A valid integration as the workspace answers it; override what a test is about. */
export function integrationFixture(overrides: Partial<Integration> = {}): Integration {
  return {
    id: 'int_1',
    provider: 'stripe',
    status: 'active',
    stripeAccountId: 'acct_1',
    stripeAccountName: 'Acme',
    livemode: false,
    connectedAt: '2026-11-24T10:00:00.000Z',
    lastSyncAt: null,
    reason: null,
    sync: null,
    ...overrides,
  };
}
