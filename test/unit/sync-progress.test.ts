import { describe, expect, it } from 'vitest';
import { readIntegrations, type IntegrationSync, type SyncedObject } from '../../src/shared/schemas';
import { integrationFixture } from './fixtures';
import { summarizeSync, syncErrors } from '../../src/shared/sync-progress';

const object = (name: string, overrides: Partial<SyncedObject> = {}): SyncedObject => ({
  name,
  rows: 0,
  importing: true,
  expectedRows: null,
  lastSuccessAt: null,
  error: null,
  ...overrides,
});
const done = (name: string, rows: number) =>
  object(name, { rows, importing: false, expectedRows: rows, lastSuccessAt: '2026-11-26T10:00:00.000Z' });

describe('what the popup says about a sync', () => {
  it('is preparing before the first import has read anything', () => {
    expect(summarizeSync({ importing: true, objects: [] })).toEqual({ kind: 'preparing' });
  });

  it('names the object under way, its rows and about how many, and how many objects are done', () => {
    const sync: IntegrationSync = {
      importing: true,
      objects: [done('customers', 1500), object('charges', { rows: 1200, expectedRows: 5000 }), object('invoices')],
    };
    expect(summarizeSync(sync)).toEqual({ kind: 'importing', object: 'charges', rows: 1200, expectedRows: 5000, done: 1, of: 3 });
  });

  it('drops an estimate that is not ahead of what is in', () => {
    const sync: IntegrationSync = { importing: true, objects: [object('charges', { rows: 1200, expectedRows: 1100 })] };
    expect(summarizeSync(sync)).toMatchObject({ kind: 'importing', expectedRows: null });
  });

  it('skips an object it may not read, and counts tables and rows of the others once imported', () => {
    const denied = object('invoices', { error: { code: 'permission_missing', message: 'Stripe does not let…' } });
    expect(summarizeSync({ importing: true, objects: [denied, object('charges', { rows: 3 })] })).toMatchObject({
      kind: 'importing',
      object: 'charges',
      of: 1,
    });
    expect(summarizeSync({ importing: false, objects: [done('customers', 1500), denied, done('charges', 2400)] })).toEqual({
      kind: 'synced',
      tables: 2,
      rows: 3900,
    });
    expect(syncErrors({ importing: false, objects: [done('customers', 1500), denied] }).map((o) => o.name)).toEqual(['invoices']);
  });

  it('shows a data source whose sync state it cannot read without that state, and one from a workspace that does not sync', () => {
    const { sync: _none, ...older } = integrationFixture();
    const { integrations, unreadable } = readIntegrations([{ ...integrationFixture(), sync: { importing: 'yes', tables: 7 } }, older]);
    expect(unreadable).toBe(0);
    expect(integrations.map((integration) => integration.sync)).toEqual([null, null]);
  });
});
