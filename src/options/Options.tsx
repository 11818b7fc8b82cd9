import { useEffect, useRef, useState } from 'preact/hooks';
import browser from '../ui/browser';
import {
  DEFAULT_HEALTH_CHECK_MINUTES,
  MAX_HEALTH_CHECK_MINUTES,
  MAX_WORKSPACE_NAME,
  MIN_HEALTH_CHECK_MINUTES,
  workspaceLabel,
  type Policy,
  type ProfileState,
  type Settings,
  type WorkspaceState,
} from '../shared/state';
import type { Command } from '../shared/commands';
import { originPattern, parseWorkspaceUrl } from '../shared/workspace-url';
import type { MessageKey } from '../shared/translate';
import { ErrorDetails } from '../ui/ErrorDetails';
import { SignInAgain } from '../ui/SignInAgain';
import { errorMessage, t } from '../ui/i18n';
import { sendCommand } from '../ui/commands';
import { useStoredState } from '../ui/use-stored-state';

type FormProblem = 'url-empty' | 'url-invalid' | 'url-insecure' | 'token-empty' | 'permission-refused';

const problemKey: Record<FormProblem, MessageKey> = {
  'url-empty': 'formUrlEmpty',
  'url-invalid': 'formUrlInvalid',
  'url-insecure': 'formUrlInsecure',
  'token-empty': 'formTokenEmpty',
  'permission-refused': 'formPermissionRefused',
};

function FieldProblem({ problem }: { problem: FormProblem }) {
  return (
    <p id="form-problem" class="field-problem" role="alert">
      {t(problemKey[problem])}
    </p>
  );
}

export function Options() {
  const state = useStoredState();
  const [workspaceUrl, setWorkspaceUrl] = useState('');
  const [token, setToken] = useState('');
  const [keepSignedIn, setKeepSignedIn] = useState(true);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  // Sign-out forgets the workspace, settings included: the page says so itself.
  const [signedOut, setSignedOut] = useState(false);
  const [loaded, setLoaded] = useState(false);
  // "Add a workspace": the form is emptied for another address, added beside the others.
  const [adding, setAdding] = useState(false);
  const urlField = useRef<HTMLInputElement>(null);
  const tokenField = useRef<HTMLInputElement>(null);
  const urlProblem = problem?.startsWith('url-') ?? false;
  const signingIn = state?.signIn?.status === 'running';
  // Either way in waits while a sign-in or a check is under way.
  const busy = signingIn || state?.profile?.status === 'checking';
  const policy = state?.policy;
  // The organization's policy may preset workspaces, keep admins to them, and rule out API tokens.
  const presets = policy?.workspaces ?? [];
  const urlLocked = policy?.allowOtherWorkspaces === false;
  const tokensAllowed = policy?.allowApiTokens !== false;
  const workspaces = state?.workspaces ?? [];
  const mayAdd = !urlLocked || presets.some((p) => !workspaces.some((w) => w.settings.workspaceUrl === p.url));

  useEffect(() => {
    if (state && !loaded) {
      // A link from the workspace (or `npm start`) may suggest the URL: it is filled in, not saved.
      const suggested = new URLSearchParams(location.search).get('workspaceUrl');
      const usesToken = state.settings !== undefined && state.settings.credential !== 'sign-in';
      setWorkspaceUrl(state.settings?.workspaceUrl ?? state.policy?.workspaces[0]?.url ?? suggested ?? '');
      setToken(usesToken ? (state.settings?.token ?? '') : '');
      setTokenOpen(usesToken);
      setKeepSignedIn(state.settings?.keepSignedIn !== false);
      setLoaded(true);
    }
  }, [state, loaded]);

  // Another workspace shown (switched in the popup, or this one signed out of): the form follows.
  // None left: the form keeps the address, so that signing in again is one click.
  const activeWorkspace = state?.activeWorkspace;
  useEffect(() => {
    const settings = state?.settings;
    if (!loaded || !settings) return;
    setAdding(false);
    setWorkspaceUrl(settings.workspaceUrl);
    const usesToken = settings.credential !== 'sign-in';
    setToken(usesToken ? settings.token : '');
    setTokenOpen(usesToken);
  }, [activeWorkspace]);

  const startAdding = () => {
    setAdding(true);
    setProblem(null);
    setWorkspaceUrl(urlLocked ? (presets.find((p) => !workspaces.some((w) => w.settings.workspaceUrl === p.url))?.url ?? '') : '');
    setToken('');
    urlField.current?.focus();
  };

  // A policy read after the page opened (the first start under one) still fills in its workspace.
  const firstPreset = presets[0]?.url;
  useEffect(() => {
    if (firstPreset && workspaceUrl === '') setWorkspaceUrl(firstPreset);
  }, [firstPreset]);

  /** The workspace URL, or null with its problem under the field, which takes the focus. */
  const checkedUrl = (): URL | null => {
    const url = parseWorkspaceUrl(workspaceUrl);
    if (url.ok) return url.value;
    setProblem(`url-${url.error}`);
    urlField.current?.focus();
    return null;
  };

  // The permission request must be the first asynchronous step of the submit: the browser only
  // shows its prompt while it still sees the admin's gesture.
  const withOrigin = (url: URL, command: Command) => {
    setProblem(null);
    setSignedOut(false);
    void browser.permissions.request({ origins: [originPattern(url)] }).then((granted) => {
      if (!granted) return setProblem('permission-refused');
      return sendCommand(command).then(() => undefined);
    });
  };

  const onSignIn = (event: Event) => {
    event.preventDefault();
    const url = checkedUrl();
    if (url) withOrigin(url, { type: 'sign-in', workspaceUrl, keepSignedIn });
  };

  const onSaveToken = (event: Event) => {
    event.preventDefault();
    const url = checkedUrl();
    if (!url) return;
    if (token.trim() === '') {
      setProblem('token-empty');
      return tokenField.current?.focus();
    }
    withOrigin(url, { type: 'save-settings', workspaceUrl, token, keepSignedIn });
  };

  return (
    <main>
      <h1>{t('optionsHeading')}</h1>
      <p class="muted">{t('optionsIntro')}</p>
      {policy && <p class="notice neutral">{t('managedNotice')}</p>}
      {workspaces.length > 1 && state && <WorkspaceList workspaces={workspaces} active={state.activeWorkspace} policy={policy} />}
      {adding && <p data-testid="adding">{t('addWorkspaceIntro')}</p>}
      <form onSubmit={onSignIn} noValidate aria-label={adding ? t('addWorkspace') : undefined}>
        <label for="workspace-url">{t('workspaceUrlLabel')}</label>
        {urlLocked && presets.length > 1 ? (
          <select
            id="workspace-url"
            value={workspaceUrl}
            aria-describedby="url-managed"
            onChange={(e) => setWorkspaceUrl(e.currentTarget.value)}
          >
            {presets.map((preset) => (
              <option key={preset.url} value={preset.url}>
                {preset.name ? `${preset.name} — ${preset.url}` : preset.url}
              </option>
            ))}
          </select>
        ) : (
          <input
            id="workspace-url"
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://analytics.example.com"
            ref={urlField}
            value={workspaceUrl}
            readOnly={urlLocked}
            list={presets.length > 0 && !urlLocked ? 'preset-workspaces' : undefined}
            aria-invalid={urlProblem}
            aria-describedby={urlProblem ? 'form-problem' : urlLocked ? 'url-managed' : undefined}
            onInput={(e) => setWorkspaceUrl(e.currentTarget.value)}
          />
        )}
        {presets.length > 0 && !urlLocked && (
          <datalist id="preset-workspaces">
            {presets.map((preset) => (
              <option key={preset.url} value={preset.url} label={preset.name} />
            ))}
          </datalist>
        )}
        {urlLocked && (
          <p id="url-managed" class="detail">
            {t('managedSetting')}
          </p>
        )}
        {urlProblem && problem && <FieldProblem problem={problem} />}
        <label class="checkbox">
          <input type="checkbox" checked={keepSignedIn} onChange={(e) => setKeepSignedIn(e.currentTarget.checked)} />
          {t('keepSignedIn')}
        </label>
        <p class="detail">{t('keepSignedInHelp')}</p>
        <div class="actions">
          <button class="primary" type="submit" disabled={busy}>
            {t('signIn')}
          </button>
        </div>
        <div aria-live="polite" data-testid="sign-in-status">
          {signingIn && <p class="muted">{t('signingIn')}</p>}
          {state?.signIn?.status === 'failed' && (
            <div class="notice bad" role="alert">
              <strong>{errorMessage(state.signIn.error)}</strong>
              <ErrorDetails error={state.signIn.error} />
            </div>
          )}
        </div>
      </form>
      {/* Automation and workspaces without sign-in: a token, as before (unless the organization rules it out). */}
      {tokensAllowed && (
        <details class="api-token" open={tokenOpen} onToggle={(e) => setTokenOpen(e.currentTarget.open)}>
          <summary>{t('useApiToken')}</summary>
          <form onSubmit={onSaveToken} noValidate>
            <label for="api-token">{t('apiTokenLabel')}</label>
            <input
              id="api-token"
              type="password"
              autoComplete="off"
              spellcheck={false}
              ref={tokenField}
              value={token}
              aria-invalid={problem === 'token-empty'}
              aria-describedby={problem === 'token-empty' ? 'form-problem token-help' : 'token-help'}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
            {problem === 'token-empty' && <FieldProblem problem={problem} />}
            <p id="token-help" class="detail">
              {t('apiTokenHelp')}
            </p>
            <div class="actions">
              <button type="submit" disabled={busy}>
                {t('saveAndCheck')}
              </button>
            </div>
          </form>
        </details>
      )}
      {problem === 'permission-refused' && <FieldProblem problem={problem} />}
      <section aria-live="polite" data-testid="profile-status">
        {signedOut && !state?.settings && <p class="muted">{t('signedOut')}</p>}
        {state?.settings && (
          <ProfileStatus
            settings={state.settings}
            profile={state.profile}
            onSignOut={() => {
              // The form forgets the token too: what the admin sees is what the extension keeps.
              setToken('');
              setSignedOut(true);
              void sendCommand({ type: 'sign-out' });
            }}
          />
        )}
      </section>
      {state?.settings && mayAdd && !adding && (
        <div class="actions">
          <button id="add-workspace" onClick={startAdding}>
            {t('addWorkspace')}
          </button>
        </div>
      )}
      {workspaces.length > 0 && (
        <HealthInterval
          minutes={policy?.healthCheckMinutes ?? state?.healthCheckMinutes ?? DEFAULT_HEALTH_CHECK_MINUTES}
          managed={policy?.healthCheckMinutes !== undefined}
        />
      )}
    </main>
  );
}

function ProfileStatus({ settings, profile, onSignOut }: { settings: Settings; profile: ProfileState | undefined; onSignOut: () => void }) {
  if (!profile) return null;
  if (profile.status === 'checking') return <p class="muted">{t('checkingWorkspace')}</p>;
  if (profile.status === 'failed') {
    if (profile.error.code === 'not-configured') return null;
    // The workspace ended the sign-in: say so, and offer the way back in.
    if (profile.error.code === 'signed-out') {
      return (
        <div class="notice bad" role="alert">
          <p>{errorMessage(profile.error)}</p>
          <SignInAgain settings={settings} />
        </div>
      );
    }
    return (
      <div class="notice bad" role="alert">
        {/* The settings are kept either way: say so, or the admin wonders whether to type them again. */}
        <p>{t('savedButCheckFailed')}</p>
        <strong>{errorMessage(profile.error)}</strong>
        <ErrorDetails error={profile.error} />
      </div>
    );
  }
  const { me } = profile;
  const admin = me.role === 'admin';
  return (
    <div class={`notice ${admin ? 'ok' : 'warn'}`}>
      <strong>{t('signedInAs', [me.user.name, me.workspace.name])}</strong>
      <p>
        {me.user.email} · {t(settings.credential === 'sign-in' ? 'signedInWithAccount' : 'signedInWithToken')}
      </p>
      <p>{admin ? t('roleAdmin') : t('requiresAdmin')}</p>
      <button onClick={onSignOut}>{t('signOut')}</button>
    </div>
  );
}

/** Every workspace added: which one the toolbar shows, and each one's name and way out. */
function WorkspaceList({
  workspaces,
  active,
  policy,
}: {
  workspaces: WorkspaceState[];
  active: string | undefined;
  policy: Policy | undefined;
}) {
  return (
    <section aria-labelledby="workspaces-heading">
      <h2 id="workspaces-heading">{t('workspacesHeading')}</h2>
      <ul class="workspaces">
        {workspaces.map((workspace) => (
          <WorkspaceRow
            key={workspace.settings.workspaceUrl}
            workspace={workspace}
            label={workspaceLabel(workspace, policy)}
            active={workspace.settings.workspaceUrl === active}
          />
        ))}
      </ul>
    </section>
  );
}

function WorkspaceRow({ workspace, label, active }: { workspace: WorkspaceState; label: string; active: boolean }) {
  const { settings, profile } = workspace;
  const workspaceUrl = settings.workspaceUrl;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(settings.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (renaming) nameField.current?.focus();
  }, [renaming]);
  const act = async (command: Command) => {
    const reply = await sendCommand(command);
    setError(reply.ok ? null : errorMessage(reply.error));
    return reply.ok;
  };
  const onRename = async (event: Event) => {
    event.preventDefault();
    if (await act({ type: 'rename-workspace', workspaceUrl, name })) setRenaming(false);
  };
  return (
    <li class={`workspace${active ? ' active' : ''}`} data-workspace={workspaceUrl}>
      <strong>{label}</strong> {active && <span class="status status-active">{t('workspaceShown')}</span>}
      <p class="detail">
        {workspaceUrl} ·{' '}
        {profile?.status === 'ready'
          ? t('signedInAs', [profile.me.user.name, profile.me.workspace.name])
          : settings.token === ''
            ? t('workspaceSignedOutState')
            : ''}
      </p>
      {renaming ? (
        <form onSubmit={(e) => void onRename(e)} noValidate>
          <label for={`name-${workspaceUrl}`}>{t('workspaceNameLabel', workspaceUrl)}</label>
          <input
            id={`name-${workspaceUrl}`}
            ref={nameField}
            value={name}
            maxLength={MAX_WORKSPACE_NAME}
            aria-describedby={`name-help-${workspaceUrl}`}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <p id={`name-help-${workspaceUrl}`} class="detail">
            {t('workspaceNameHelp')}
          </p>
          <div class="row">
            <button type="submit" class="primary">
              {t('saveName')}
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="row">
          {!active && (
            <button aria-label={t('switchToWorkspace', label)} onClick={() => void act({ type: 'switch-workspace', workspaceUrl })}>
              {t('showWorkspace')}
            </button>
          )}
          <button aria-label={t('renameWorkspaceNamed', label)} onClick={() => setRenaming(true)}>
            {t('renameWorkspace')}
          </button>
          {/* The shown workspace's Sign out is on its profile, below. */}
          {!active && (
            <button aria-label={t('signOutOfWorkspace', label)} onClick={() => void act({ type: 'sign-out', workspaceUrl })}>
              {t('signOut')}
            </button>
          )}
        </div>
      )}
      {error && (
        <p class="notice bad" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function HealthInterval({ minutes, managed }: { minutes: number; managed: boolean }) {
  const [value, setValue] = useState(String(minutes));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    // The bounds the worker's command schema holds it to (the page does not load valibot: the
    // service worker, which must, then has it to itself and stays one file).
    const minutes = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(minutes) || minutes < MIN_HEALTH_CHECK_MINUTES || minutes > MAX_HEALTH_CHECK_MINUTES) {
      setMessage({ ok: false, text: t('formIntervalInvalid') });
      return;
    }
    const reply = await sendCommand({ type: 'set-health-interval', minutes });
    setMessage(reply.ok ? { ok: true, text: t('healthIntervalSaved', String(minutes)) } : { ok: false, text: errorMessage(reply.error) });
  };
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="health-heading">
      <h2 id="health-heading">{t('healthHeading')}</h2>
      <label for="health-minutes">{t('healthIntervalLabel')}</label>
      <div class="row">
        <input
          id="health-minutes"
          class="narrow"
          type="number"
          inputMode="numeric"
          min={MIN_HEALTH_CHECK_MINUTES}
          max={MAX_HEALTH_CHECK_MINUTES}
          value={managed ? String(minutes) : value}
          disabled={managed}
          aria-invalid={message?.ok === false}
          aria-describedby={managed ? 'interval-managed' : undefined}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        {!managed && <button type="submit">{t('healthIntervalSave')}</button>}
      </div>
      {managed && (
        <p id="interval-managed" class="detail">
          {t('managedSetting')}
        </p>
      )}
      <p role="status" class={message ? `notice ${message.ok ? 'ok' : 'bad'}` : ''}>
        {message?.text}
      </p>
    </form>
  );
}
