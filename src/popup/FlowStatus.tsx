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
      return <Progress text={t('flowStarting')} />;
    case 'authorizing':
      return <Progress text={t('flowAuthorizing')} />;
    case 'completing':
      return (
        <>
          <Progress text={t('flowCompleting')} />
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
          {/* What the browser, Stripe or the workspace said: for support, not in the admin's words. */}
          {flow.error.detail && (
            <details class="detail">
              <summary>{t('details')}</summary>
              {flow.error.detail}
            </details>
          )}
          <button onClick={() => void sendCommand({ type: 'dismiss-flow' })}>{t('dismiss')}</button>
        </div>
      );
  }
}

function Progress({ text }: { text: string }) {
  return (
    <p class="progress">
      <span class="spinner" aria-hidden="true" />
      {text}
    </p>
  );
}
