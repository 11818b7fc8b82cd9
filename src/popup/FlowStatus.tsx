import type { ComponentChildren } from 'preact';
import type { FlowState } from '../shared/state';
import { ErrorDetails } from '../ui/ErrorDetails';
import { accountLabel, errorMessage, t } from '../ui/i18n';
import { sendCommand } from '../ui/commands';

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
    case 'succeeded': {
      const { stripeAccountId, livemode } = flow.integration;
      return (
        <Outcome tone="ok">
          <strong>{t('successfulConnection')}</strong>{' '}
          <span data-testid="integration">
            {t('stripeAccount')} <bdi>{accountLabel(flow.integration)}</bdi> <code>{stripeAccountId}</code> ·{' '}
            {t(livemode ? 'liveMode' : 'testMode')}
          </span>
        </Outcome>
      );
    }
    case 'failed':
      return (
        <Outcome tone="bad">
          <strong>{errorMessage(flow.error)}</strong>
          <ErrorDetails error={flow.error} />
        </Outcome>
      );
  }
}

/** How the last flow ended, until the admin closes it (or starts another). */
function Outcome({ tone, children }: { tone: 'ok' | 'bad'; children: ComponentChildren }) {
  return (
    <div class={`notice ${tone} row spread`} role={tone === 'ok' ? 'status' : 'alert'}>
      <div>{children}</div>
      <button class="icon" aria-label={t('dismiss')} title={t('dismiss')} onClick={() => void sendCommand({ type: 'dismiss-flow' })}>
        ×
      </button>
    </div>
  );
}

function Progress({ text }: { text: string }) {
  return (
    <p class="progress">
      <span class="spinner" aria-hidden="true" />
      {text}
    </p>
  );
}
