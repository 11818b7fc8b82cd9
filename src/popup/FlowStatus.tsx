import type { FlowState } from '../shared/state';
import { IntegrationDetails } from '../ui/IntegrationDetails';
import { errorMessage, t } from '../ui/i18n';
import { sendCommand } from '../ui/store';

/** Progress and outcome of the connect or reauthenticate flow the service worker runs. */
export function FlowStatus({ flow }: { flow: FlowState }) {
  switch (flow.phase) {
    case 'idle':
      return null;
    case 'starting':
      return <p class="muted">{t('flowStarting')}</p>;
    case 'authorizing':
      return <p class="muted">{t('flowAuthorizing')}</p>;
    case 'completing':
      return (
        <>
          <p class="muted">{t('flowCompleting')}</p>
          {flow.pending.lastError && (
            <p class="notice warn">
              {errorMessage(flow.pending.lastError)} {t('flowRetrying', String(flow.pending.attempts))}
            </p>
          )}
        </>
      );
    case 'succeeded':
      return (
        <div class="notice ok" role="status">
          <strong>{t('successfulConnection')}</strong>
          <IntegrationDetails integration={flow.integration} />
          <button onClick={() => void sendCommand({ type: 'dismiss-flow' })}>{t('dismiss')}</button>
        </div>
      );
    case 'failed':
      return (
        <div class="notice bad" role="alert">
          <strong>{errorMessage(flow.error)}</strong>
          {flow.error.detail && <p class="detail">{flow.error.detail}</p>}
          <button onClick={() => void sendCommand({ type: 'dismiss-flow' })}>{t('dismiss')}</button>
        </div>
      );
  }
}
