import browser from 'webextension-polyfill';
import type { FlowState, ProfileState, StoredState } from '../shared/state';
import { isFlowRunning } from '../shared/state';
import { IntegrationDetails } from '../ui/IntegrationDetails';
import { errorMessage, t } from '../ui/i18n';
import { sendCommand, useStoredState } from '../ui/store';

const openOptions = () => void browser.runtime.openOptionsPage();

export function Popup() {
  const state = useStoredState();
  return (
    <main aria-busy={state === null}>
      <h1>{t('extName')}</h1>
      {state && <PopupBody state={state} />}
    </main>
  );
}

function PopupBody({ state }: { state: StoredState }) {
  if (!state.settings) {
    return (
      <>
        <p>{t('popupNotConfigured')}</p>
        <button class="primary" onClick={openOptions}>
          {t('openSettings')}
        </button>
      </>
    );
  }
  return (
    <>
      <ProfileLine profile={state.profile} />
      <h2>{t('addDataSource')}</h2>
      <ConnectCard profile={state.profile} flow={state.flow ?? { phase: 'idle' }} />
    </>
  );
}

function ProfileLine({ profile }: { profile: ProfileState | undefined }) {
  if (!profile || profile.status === 'checking') return <p class="muted">{t('checkingWorkspace')}</p>;
  if (profile.status === 'failed') {
    return (
      <div class="notice bad" role="alert">
        <p>{errorMessage(profile.error)}</p>
        <button onClick={openOptions}>{t('openSettings')}</button>
      </div>
    );
  }
  const { me } = profile;
  return (
    <>
      <p class="muted" data-testid="signed-in">
        {t('signedInAs', [me.user.name, me.workspace.name])}
      </p>
      {me.role !== 'admin' && (
        <p class="notice warn" role="status" data-testid="not-admin">
          {t('requiresAdmin')}
        </p>
      )}
    </>
  );
}

function ConnectCard({ profile, flow }: { profile: ProfileState | undefined; flow: FlowState }) {
  const isAdmin = profile?.status === 'ready' && profile.me.role === 'admin';
  const running = isFlowRunning(flow);
  return (
    <div class="stripe-card">
      <p>
        <strong>Stripe</strong> — <span class="muted">{t('stripeBlurb')}</span>
      </p>
      <div class="row">
        <button
          class="primary"
          disabled={!isAdmin || running}
          onClick={() => void sendCommand({ type: 'connect' })}
        >
          {t('connectWithStripe')}
        </button>
      </div>
      <div aria-live="polite" data-testid="flow-status">
        <FlowStatus flow={flow} />
      </div>
    </div>
  );
}

function FlowStatus({ flow }: { flow: FlowState }) {
  switch (flow.phase) {
    case 'idle':
      return null;
    case 'starting':
      return <p class="muted">{t('flowStarting')}</p>;
    case 'authorizing':
      return <p class="muted">{t('flowAuthorizing')}</p>;
    case 'completing':
      return <p class="muted">{t('flowCompleting')}</p>;
    case 'succeeded':
      return (
        <div class="notice ok" role="status">
          <strong>{t('successfulConnection')}</strong>
          <IntegrationDetails integration={flow.integration} />
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
