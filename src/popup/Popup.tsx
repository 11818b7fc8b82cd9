import browser from '../ui/browser';
import type { AppErrorCode } from '../shared/errors';
import { needsAttention } from '../shared/attention';
import type { FlowState, StoredState } from '../shared/state';
import { IDLE, isFlowRunning, workspaceLabel } from '../shared/state';
import { ErrorDetails } from '../ui/ErrorDetails';
import { SignInAgain } from '../ui/SignInAgain';
import { errorMessage, plural, t } from '../ui/i18n';
import { sendCommand } from '../ui/commands';
import { FlowStatus } from './FlowStatus';
import { IntegrationList } from './IntegrationList';

const openOptions = () => void browser.runtime.openOptionsPage();

const BLOCKING: ReadonlySet<AppErrorCode> = new Set([
  'unauthorized',
  'forbidden',
  'not-a-workspace',
  'permission-denied',
  'not-configured',
]);

/** The popup for the stored state; main.tsx renders it once that is read, and on each change. */
export function Popup({ state }: { state: StoredState }) {
  return (
    <main>
      <header class="row spread">
        <h1>{t('extName')}</h1>
        {state.settings && (
          <button class="icon" aria-label={t('openSettings')} title={t('openSettings')} onClick={openOptions}>
            ⚙︎
          </button>
        )}
      </header>
      {state.workspaces.length > 1 && <WorkspaceSwitcher state={state} />}
      <PopupBody state={state} />
    </main>
  );
}

/** The switcher's entry that opens the settings to add a workspace (a URL never equals it). */
const ADD = 'add';

/**
 * Which workspace the popup shows, with what needs attention in each (the badge counts them all).
 * A running flow belongs to the workspace it started in: switching waits for it.
 */
function WorkspaceSwitcher({ state }: { state: StoredState }) {
  const { workspaces, policy, activeWorkspace } = state;
  const flowRunning = isFlowRunning(state.flow ?? IDLE);
  // Unless the organization keeps admins to its presets, and every preset is here already.
  const mayAdd =
    policy?.allowOtherWorkspaces !== false || policy.workspaces.some((p) => !workspaces.some((w) => w.settings.workspaceUrl === p.url));
  const onChange = (select: HTMLSelectElement) => {
    if (select.value !== ADD) return void sendCommand({ type: 'switch-workspace', workspaceUrl: select.value });
    select.value = activeWorkspace ?? '';
    openOptions();
  };
  return (
    <div class="switcher">
      <label for="workspace-switcher">{t('workspaceSwitcher')}</label>
      <select
        id="workspace-switcher"
        value={activeWorkspace}
        disabled={flowRunning}
        aria-describedby={flowRunning ? 'switch-blocked' : undefined}
        onChange={(e) => onChange(e.currentTarget)}
      >
        {workspaces.map((workspace) => {
          const label = workspaceLabel(workspace, policy);
          const attention = (workspace.health?.integrations ?? []).filter(needsAttention).length;
          return (
            <option key={workspace.settings.workspaceUrl} value={workspace.settings.workspaceUrl}>
              {attention ? `${label} — ${plural('needAttention', attention)}` : label}
            </option>
          );
        })}
        {mayAdd && <option value={ADD}>{t('addWorkspaceOption')}</option>}
      </select>
      {flowRunning && (
        <p id="switch-blocked" class="detail">
          {t('switchBlockedByFlow')}
        </p>
      )}
    </div>
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
  const { profile } = state;
  // One problem, one message: a workspace that refuses this token (or this extension) blocks
  // everything else, so nothing else is shown beside it. A passing failure keeps the cached list.
  if (profile?.status === 'failed' && BLOCKING.has(profile.error.code)) return <ProfileLine state={state} />;
  const flow = state.flow ?? IDLE;
  const isAdmin = profile?.status === 'ready' && profile.me.role === 'admin';
  return (
    <>
      <ProfileLine state={state} />
      {/* The outcome at the top, where the list it changed begins; progress in the Stripe card. */}
      {(flow.phase === 'succeeded' || flow.phase === 'failed') && <FlowArea flow={flow} />}
      <IntegrationList health={state.health} operation={state.operation} canManage={isAdmin} flowRunning={isFlowRunning(flow)} />
      {/* Sticky at the bottom of the popup: Connect stays in reach, and a flow's progress in
          sight, however long the list above it. */}
      {(isAdmin || isFlowRunning(flow)) && (
        <section class="add" aria-labelledby="add-heading">
          <h2 id="add-heading">{t('addDataSource')}</h2>
          <ConnectCard flow={flow} testMode={profile?.status === 'ready' && (profile.me.workspace.stripeModes ?? []).includes('test')} />
        </section>
      )}
    </>
  );
}

function ProfileLine({ state }: { state: StoredState }) {
  const { profile, settings, signIn } = state;
  if (!profile || profile.status === 'checking') return <p class="muted">{t('checkingWorkspace')}</p>;
  // The sign-in running or failed, if it is this workspace's.
  const ownSignIn = signIn?.workspaceUrl === settings?.workspaceUrl ? signIn : undefined;
  // The workspace ended the sign-in: the list below stays as last known, the way back is here.
  if (profile.status === 'failed' && profile.error.code === 'signed-out' && settings) {
    return (
      <div class="notice bad" role="alert" data-testid="signed-out">
        <p>{errorMessage(ownSignIn?.status === 'failed' ? ownSignIn.error : profile.error)}</p>
        {ownSignIn?.status === 'running' ? <p class="muted">{t('signingIn')}</p> : <SignInAgain settings={settings} />}
      </div>
    );
  }
  if (profile.status === 'failed') {
    return (
      <div class="notice bad" role="alert">
        <p>{errorMessage(profile.error)}</p>
        <ErrorDetails error={profile.error} />
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
          {t('requiresAdmin')}{' '}
          {t('signedInWithRole', [me.user.name, browser.i18n.getMessage(`role_${me.role.replace('-', '_')}`) || me.role])}
        </p>
      )}
    </>
  );
}

/** `testMode`: the workspace offers Stripe's test mode too, as a secondary choice. */
function ConnectCard({ flow, testMode }: { flow: FlowState; testMode: boolean }) {
  // One flow at a time: while Stripe's window is open, the button brings it back to the front, and
  // Cancel is the way out of a window that cannot finish (an error page Stripe shows instead).
  const cancellable = flow.phase === 'starting' || flow.phase === 'authorizing';
  return (
    <div class="stripe-card">
      <p>
        <strong>Stripe</strong> — <span class="muted">{t('stripeBlurb')}</span>
      </p>
      {isFlowRunning(flow) && <FlowArea flow={flow} />}
      <div class="row">
        {flow.phase === 'authorizing' ? (
          <button class="primary" onClick={() => void sendCommand({ type: 'focus-flow' })}>
            {t('showStripeWindow')}
          </button>
        ) : (
          <button class="primary" disabled={isFlowRunning(flow)} onClick={() => void sendCommand({ type: 'connect' })}>
            {t('connectWithStripe')}
          </button>
        )}
        {/* Secondary, and short enough to share the row: the card stays one row tall. */}
        {testMode && !isFlowRunning(flow) && (
          <button
            aria-label={t('connectTestMode')}
            title={t('connectTestMode')}
            onClick={() => void sendCommand({ type: 'connect', mode: 'test' })}
          >
            {t('testMode')}
          </button>
        )}
        {cancellable && <button onClick={() => void sendCommand({ type: 'cancel-flow' })}>{t('cancel')}</button>}
      </div>
    </div>
  );
}

function FlowArea({ flow }: { flow: FlowState }) {
  return (
    <div aria-live="polite" data-testid="flow-status">
      <FlowStatus flow={flow} />
    </div>
  );
}
