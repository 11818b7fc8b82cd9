import { Component, createRef } from 'preact';
import { needsAttention, sortForDisplay } from '../shared/attention';
import type { Integration } from '../shared/schemas';
import type { HealthState, OperationState } from '../shared/state';
import { afterNextPaint } from '../ui/after-paint';
import { ErrorDetails } from '../ui/ErrorDetails';
import { accountLabel, errorMessage, plural, statusLabel, t, uiLanguage } from '../ui/i18n';
import { sendCommand } from '../ui/commands';
import { formatSince } from '../ui/time';
import { SyncStatus } from './SyncStatus';

interface Props {
  health: HealthState | undefined;
  operation: OperationState | null | undefined;
  canManage: boolean;
  flowRunning: boolean;
}

/** Rows in the first paint: more than the popup (at most 600 px high) can show. */
const FIRST_ROWS = 30;
/** Rows added per task after that, each once the previous frame is on screen. */
const MORE_ROWS = 200;
const ALL_ROWS_MARK = 'wc:integrations-complete';

/**
 * The workspace's integrations, those needing attention first, from the last known list. A long
 * list is painted a screenful first and the rest in slices right after, so opening the popup
 * never waits for rows nobody can see yet.
 */
export class IntegrationList extends Component<Props, { limit: number }> {
  override state = { limit: FIRST_ROWS };
  private sorted: { from: readonly Integration[] | undefined; rows: Integration[] } = { from: undefined, rows: [] };
  private sliceScheduled = false;
  private allPainted = false;

  /** The minute "last synced" was last written in: the list renders again when it moves on. */
  private renderedMinute = 0;

  override componentDidMount() {
    this.componentDidUpdate();
  }

  /**
   * Rendered again only when what it shows changed: what the worker did not rewrite keeps its
   * object (src/ui/stored-state.ts), so a flow's steps do not walk a thousand rows (issue #18).
   */
  override shouldComponentUpdate(next: Props, nextState: { limit: number }) {
    return nextState.limit !== this.state.limit || Math.floor(Date.now() / 60_000) !== this.renderedMinute || changed(next, this.props);
  }

  override componentDidUpdate() {
    const more = this.state.limit < this.sorted.rows.length;
    if (this.sliceScheduled || (!more && this.allPainted)) return;
    // Once the frame showing these rows is painted, the next slice (one at a time, however often
    // the state changes meanwhile); after the last one, in test builds, a User Timing mark for
    // `npm run bench`.
    this.sliceScheduled = true;
    afterNextPaint(() => {
      this.sliceScheduled = false;
      if (more) this.setState({ limit: this.state.limit + MORE_ROWS });
      else {
        this.allPainted = true;
        if (__TEST_HOOKS__) performance.mark(ALL_ROWS_MARK);
      }
    });
  }

  /** Sorted once per list the worker wrote, not once per render. */
  private rows(integrations: readonly Integration[]): Integration[] {
    if (this.sorted.from !== integrations) this.sorted = { from: integrations, rows: sortForDisplay(integrations) };
    return this.sorted.rows;
  }

  override render({ health, operation, canManage, flowRunning }: Props, { limit }: { limit: number }) {
    const rows = this.rows(health?.integrations ?? []);
    // Sorted with those needing attention first: they are the leading rows.
    const attention = rows.findIndex((row) => !needsAttention(row));
    const attentionCount = attention < 0 ? rows.length : attention;
    // To the minute: "last synced" stays current as the page re-renders, and rows render again
    // at most once a minute for it.
    this.renderedMinute = Math.floor(Date.now() / 60_000);
    const now = this.renderedMinute * 60_000;
    return (
      <section aria-labelledby="data-sources-heading">
        <h2 id="data-sources-heading">
          {t('dataSources')}
          {attentionCount > 0 && <span class="summary"> · {plural('needAttention', attentionCount)}</span>}
        </h2>
        {health?.error && (
          <div class="notice warn" role="status">
            {t('healthCheckFailed')} {errorMessage(health.error)}{' '}
            {health.checkedAt > 0 && t('listAge', formatSince(health.checkedAt, Date.now(), language))}{' '}
            <button onClick={() => void sendCommand({ type: 'check-health' })}>{t('retry')}</button>
            <ErrorDetails error={health.error} />
          </div>
        )}
        {operation?.status === 'failed' && (
          <p class="notice bad" role="alert">
            {errorMessage(operation.error)}
          </p>
        )}
        {!!health?.unreadable && <p class="muted">{plural('unreadableIntegrations', health.unreadable)}</p>}
        {rows.length === 0 ? (
          <p class="muted">{t('noIntegrations')}</p>
        ) : (
          // While a flow runs, every row's buttons are disabled by their fieldset: one attribute,
          // not every row rendered again as the flow starts and ends.
          <fieldset class="integrations-controls" role="none" disabled={flowRunning}>
            <ul class="integrations" data-testid="integration-list" aria-busy={limit < rows.length}>
              {rows.slice(0, limit).map((integration) => (
                <IntegrationItem
                  key={integration.id}
                  integration={integration}
                  now={now}
                  canManage={canManage}
                  busy={operation?.status === 'running' && operation.integrationId === integration.id}
                />
              ))}
            </ul>
          </fieldset>
        )}
      </section>
    );
  }
}

/** Whether any of a component's props is not the same value (or object) as before. */
const changed = <P extends object>(next: P, previous: P): boolean =>
  (Object.keys(next) as Array<keyof P>).some((key) => next[key] !== previous[key]);

/** The language dates are written in: the page's, which does not change while it is open. */
const language = uiLanguage();

interface ItemProps {
  integration: Integration;
  now: number;
  canManage: boolean;
  busy: boolean;
}

/** A class, not hooks: the popup ships Preact's core only. Local state: the Disconnect confirmation. */
class IntegrationItem extends Component<ItemProps, { confirming: boolean }> {
  override state = { confirming: false };
  private cancel = createRef<HTMLButtonElement>();

  /** Rows whose integration, flags and state are unchanged are not rendered again. */
  override shouldComponentUpdate(next: ItemProps, nextState: { confirming: boolean }) {
    return nextState.confirming !== this.state.confirming || changed(next, this.props);
  }

  override componentDidUpdate(_: ItemProps, previous: { confirming: boolean }) {
    // Keyboard safety: the focus lands on Cancel, not on the destructive button.
    if (this.state.confirming && !previous.confirming) this.cancel.current?.focus();
  }

  override render({ integration, now, canManage, busy }: ItemProps, { confirming }: { confirming: boolean }) {
    const name = accountLabel(integration);
    const attention = needsAttention(integration);
    const confirm = (confirming: boolean) => this.setState({ confirming });
    return (
      <li class={`integration-item ${attention ? 'attention' : ''}`} data-status={integration.status}>
        <div class="row spread">
          {/* Element Timing: `npm run bench` reads when the first row was painted. `dir=auto`: a
              name in another script, or with a direction override, stays as the workspace wrote it. */}
          <strong class="name clamp" dir="auto" title={name} elementtiming="wc:integrations">
            {name}
          </strong>
          <span class={`status status-${integration.status}`}>{statusLabel(integration.status)}</span>
        </div>
        {/* One line, cut at its end: the mode and the last sync first, the account id (whole in
            the tooltip) last. */}
        <p class="detail meta" title={integration.stripeAccountId}>
          {/* With a sync state, its own line says when it last synced. */}
          {`${t(integration.livemode ? 'liveMode' : 'testMode')} · ${
            integration.sync
              ? ''
              : `${integration.lastSyncAt ? t('lastSynced', formatSince(Date.parse(integration.lastSyncAt), now, language)) : t('neverSynced')} · `
          }`}
          <code>{integration.stripeAccountId}</code>
        </p>
        {integration.sync && (
          <SyncStatus
            integration={integration}
            sync={integration.sync}
            name={name}
            paused={integration.status === 'expired' || integration.status === 'revoked'}
            now={now}
            language={language}
          />
        )}
        {integration.reason && (
          <p class="clamp" dir="auto" title={integration.reason}>
            {integration.reason}
          </p>
        )}
        {canManage && !confirming && (
          <div class="row">
            {attention && (
              <button
                class="primary"
                disabled={busy}
                aria-label={t('reauthenticateFor', name)}
                onClick={() => void sendCommand({ type: 'reauthenticate', integrationId: integration.id })}
              >
                {t('reauthenticate')}
              </button>
            )}
            <button disabled={busy} aria-label={t('disconnectFor', name)} onClick={() => confirm(true)}>
              {t('disconnect')}
            </button>
          </div>
        )}
        {confirming && (
          <div
            class="confirm"
            role="group"
            aria-label={t('disconnectFor', name)}
            onKeyDown={(event) => event.key === 'Escape' && confirm(false)}
          >
            <p>{t('confirmDisconnect', name)}</p>
            <div class="row">
              <button
                class="danger"
                onClick={() => {
                  confirm(false);
                  void sendCommand({ type: 'disconnect', integrationId: integration.id });
                }}
              >
                {t('disconnect')}
              </button>
              <button ref={this.cancel} onClick={() => confirm(false)}>
                {t('cancel')}
              </button>
            </div>
          </div>
        )}
      </li>
    );
  }
}
