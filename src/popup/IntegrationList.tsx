import { useEffect, useRef, useState } from 'preact/hooks';
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
  const hasList = integrations.length > 0;
  useEffect(() => {
    // User Timing, read by `npm run bench`: the cached list is on screen.
    if (hasList && performance.getEntriesByName('wc:integrations-painted').length === 0) {
      requestAnimationFrame(() => performance.mark('wc:integrations-painted'));
    }
  }, [hasList]);
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

function IntegrationItem({ integration, language, now, canManage, busy }: ItemProps) {
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Keyboard safety: the focus lands on Cancel, not on the destructive button.
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);
  const name = integration.stripeAccountName;
  const attention = needsAttention(integration);
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
          <button disabled={busy} aria-label={t('disconnectFor', name)} onClick={() => setConfirming(true)}>
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
                setConfirming(false);
                void sendCommand({ type: 'disconnect', integrationId: integration.id });
              }}
            >
              {t('disconnect')}
            </button>
            <button ref={cancelRef} onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
