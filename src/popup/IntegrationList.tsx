import { Component, createRef } from 'preact';
import { needsAttention, sortForDisplay } from '../shared/health';
import type { Integration } from '../shared/schemas';
import type { HealthState, OperationState } from '../shared/state';
import { errorMessage, t, uiLanguage } from '../ui/i18n';
import { sendCommand } from '../ui/store';
import { formatSince } from '../ui/time';

interface Props {
  health: HealthState | undefined;
  operation: OperationState | null | undefined;
  canManage: boolean;
  flowRunning: boolean;
}

/** The workspace's integrations, those needing attention first, from the last known list. */
export function IntegrationList({ health, operation, canManage, flowRunning }: Props) {
  const integrations = sortForDisplay(health?.integrations ?? []);
  // Once per render, not once per row.
  const language = uiLanguage();
  const now = Date.now();
  return (
    <section aria-labelledby="data-sources-heading">
      <h2 id="data-sources-heading">{t('dataSources')}</h2>
      {health?.error && (
        <p class="notice warn" role="status">
          {t('healthCheckFailed')} {errorMessage(health.error)}
        </p>
      )}
      {operation?.status === 'failed' && (
        <p class="notice bad" role="alert">
          {errorMessage(operation.error)}
        </p>
      )}
      {integrations.length === 0 ? (
        <p class="muted">{t('noIntegrations')}</p>
      ) : (
        <ul class="integrations" data-testid="integration-list">
          {integrations.map((integration) => (
            <IntegrationItem
              key={integration.id}
              integration={integration}
              language={language}
              now={now}
              canManage={canManage}
              busy={flowRunning || (operation?.status === 'running' && operation.integrationId === integration.id)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface ItemProps {
  integration: Integration;
  language: string;
  now: number;
  canManage: boolean;
  busy: boolean;
}

/** A class, not hooks: the popup ships Preact's core only. Local state: the Disconnect confirmation. */
class IntegrationItem extends Component<ItemProps, { confirming: boolean }> {
  override state = { confirming: false };
  private cancel = createRef<HTMLButtonElement>();

  override componentDidUpdate(_: ItemProps, previous: { confirming: boolean }) {
    // Keyboard safety: the focus lands on Cancel, not on the destructive button.
    if (this.state.confirming && !previous.confirming) this.cancel.current?.focus();
  }

  override render({ integration, language, now, canManage, busy }: ItemProps, { confirming }: { confirming: boolean }) {
    const name = integration.stripeAccountName;
    const attention = needsAttention(integration);
    const confirm = (confirming: boolean) => this.setState({ confirming });
    return (
      <li class={`integration-item ${attention ? 'attention' : ''}`} data-integration-id={integration.id}>
        <div class="row spread">
          <strong>{name}</strong>
          <span class={`status status-${integration.status}`}>{t(`status_${integration.status}`)}</span>
        </div>
        <p class="detail">
          <code>{integration.stripeAccountId}</code> · {integration.livemode ? t('liveMode') : t('testMode')} ·{' '}
          {integration.lastSyncAt
            ? t('lastSynced', formatSince(Date.parse(integration.lastSyncAt), now, language))
            : t('neverSynced')}
        </p>
        {integration.reason && <p class="reason">{integration.reason}</p>}
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
          <div class="confirm" role="group" aria-label={t('disconnectFor', name)}>
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
