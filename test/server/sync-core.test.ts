/** The sync's pure parts: what an event changes, the first import's estimate, the backoffs. */
import { describe, expect, it } from 'vitest';
import { syncBackoffMs } from '../../server/src/sync';
import { changeOf, importScale } from '../../server/src/sync/objects';
import { rateLimitDelayMs } from '../../server/src/sync/run';

describe('the sync core', () => {
  it('reads which row an event changes, and whether it was deleted', () => {
    const customer = { id: 'cus_1', object: 'customer' };
    expect(changeOf({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: customer } })).toEqual({
      object: 'customers',
      record: customer,
      deleted: false,
    });
    expect(
      changeOf({
        id: 'evt_2',
        object: 'event',
        type: 'customer.subscription.deleted',
        data: { object: { id: 'sub_1', object: 'subscription' } },
      }),
    ).toMatchObject({ object: 'subscriptions', deleted: true });
    // Objects the workspace does not sync are stored as events only.
    expect(changeOf({ id: 'evt_3', object: 'event', type: 'payout.paid', data: { object: { id: 'po_1', object: 'payout' } } })).toBeNull();
    expect(changeOf({ id: 'evt_4', object: 'event', type: 'customer.created' })).toBeNull();
  });

  it('estimates a first import from the share of the account’s life it has covered', () => {
    const day = 86_400_000;
    const startedAt = 100 * day;
    // A quarter of 100 days covered: about four times the rows in.
    expect(importScale({ startedAt, lastCreatedAt: 75 * day, accountCreatedAt: 0 })).toBe(4);
    // Never fewer than already in (rows older than the account's creation, say).
    expect(importScale({ startedAt, lastCreatedAt: -day, accountCreatedAt: 0 })).toBe(1);
    // Unknown creation, nothing in yet, or nothing covered: no estimate.
    expect(importScale({ startedAt, lastCreatedAt: 75 * day, accountCreatedAt: null })).toBeNull();
    expect(importScale({ startedAt, lastCreatedAt: null, accountCreatedAt: 0 })).toBeNull();
    expect(importScale({ startedAt, lastCreatedAt: startedAt, accountCreatedAt: 0 })).toBeNull();
  });

  it('backs off: 429s double from the base (±25 %), failed syncs from a minute up to the interval', () => {
    expect(rateLimitDelayMs(0, 1000, () => 0.5)).toBe(1000);
    expect(rateLimitDelayMs(3, 1000, () => 0.5)).toBe(8000);
    expect(rateLimitDelayMs(1, 1000, () => 0)).toBe(1500);
    expect(rateLimitDelayMs(1, 1000, () => 1)).toBe(2500);
    expect([1, 2, 3, 10].map((failures) => syncBackoffMs(failures, 15 * 60_000))).toEqual([60_000, 120_000, 240_000, 900_000]);
  });
});
