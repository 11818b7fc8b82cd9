import { Component } from 'preact';
import type { Integration, IntegrationSync } from '../shared/schemas';
import { summarizeSync, syncErrors } from '../shared/sync-progress';
import type { MessageKey } from '../shared/translate';
import { plural, t } from '../ui/i18n';
import { formatCount, formatSince } from '../ui/time';

/** Stripe's lists as the admin names them; one this release does not know is named as the workspace sent it. */
const OBJECT_NAMES: Readonly<Record<string, MessageKey>> = {
  customers: 'objectCustomers',
  charges: 'objectCharges',
  coupons: 'objectCoupons',
  invoices: 'objectInvoices',
  plans: 'objectPlans',
  prices: 'objectPrices',
  products: 'objectProducts',
  subscriptions: 'objectSubscriptions',
  events: 'objectEvents',
};
const objectName = (name: string): string => {
  const key = OBJECT_NAMES[name];
  return key ? t(key) : name;
};

interface Props {
  integration: Integration;
  sync: IntegrationSync;
  /** Whose data it is, for the labels of its controls. */
  name: string;
  /** The integration needs the admin (expired, revoked): an import under way is paused. */
  paused: boolean;
  now: number;
  language: string;
}

/**
 * "Is my data arriving?": the first import's progress, then tables, rows and the last sync; the
 * table list on request; an object the sync could not read, named with what to do, always shown.
 */
export class SyncStatus extends Component<Props, { open: boolean }> {
  override state = { open: false };

  override render({ integration, sync, name, paused, now, language }: Props, { open }: { open: boolean }) {
    const count = (value: number) => formatCount(value, language);
    const summary = summarizeSync(sync);
    const listId = `tables-${integration.id}`;
    let line: string;
    if (summary.kind === 'preparing') line = t('syncPreparing');
    else if (summary.kind === 'importing') {
      const object = objectName(summary.object);
      const rows = count(summary.rows);
      line = paused
        ? t('syncPaused', [object, rows])
        : summary.expectedRows === null
          ? t('syncImportingSoFar', [object, rows])
          : t('syncImporting', [object, rows, count(summary.expectedRows)]);
    } else {
      line = [
        plural('syncTables', summary.tables, count(summary.tables)),
        plural('syncRows', summary.rows, count(summary.rows)),
        ...(integration.lastSyncAt ? [t('syncedWhen', formatSince(Date.parse(integration.lastSyncAt), now, language))] : []),
      ].join(' · ');
    }
    return (
      <div class="sync" data-testid="sync-status">
        <div class="row spread">
          <p class="sync-line clamp" title={line} data-testid="sync-line">
            {line}
          </p>
          {sync.objects.length > 0 && (
            <button
              class="link disclosure"
              aria-expanded={open}
              aria-controls={listId}
              aria-label={t('syncTablesFor', name)}
              onClick={() => this.setState({ open: !open })}
            >
              {t('syncTablesToggle')}
            </button>
          )}
        </div>
        {summary.kind === 'importing' && !paused && (
          // The import as a whole: objects done, and the current one's share while it can tell.
          <progress
            aria-label={t('syncProgressFor', name)}
            max={summary.of}
            value={summary.done + (summary.expectedRows ? summary.rows / summary.expectedRows : 0)}
          />
        )}
        {syncErrors(sync).map((object) => (
          <p key={object.name} class="sync-error" dir="auto" data-object={object.name}>
            {object.error.message}
          </p>
        ))}
        {open && (
          <table id={listId} class="tables" data-testid="sync-tables">
            <tbody>
              {sync.objects.map((object) => (
                <tr key={object.name} data-object={object.name}>
                  <th scope="row">{objectName(object.name)}</th>
                  <td>{count(object.rows)}</td>
                  <td class="muted">
                    {object.error
                      ? t(object.error.code === 'permission_missing' ? 'syncTableNotAllowed' : 'syncTableFailed')
                      : object.importing
                        ? t(summary.kind === 'importing' && object.name === summary.object ? 'syncTableImporting' : 'syncTableWaiting')
                        : object.lastSuccessAt
                          ? formatSince(Date.parse(object.lastSuccessAt), now, language)
                          : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    );
  }
}
