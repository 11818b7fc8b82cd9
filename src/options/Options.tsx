import { useEffect, useRef, useState } from 'preact/hooks';
import browser from '../ui/browser';
import { DEFAULT_HEALTH_CHECK_MINUTES, MAX_HEALTH_CHECK_MINUTES, MIN_HEALTH_CHECK_MINUTES, type ProfileState } from '../shared/state';
import { parseCommand } from '../shared/commands';
import { originPattern, parseWorkspaceUrl } from '../shared/workspace-api';
import type { MessageKey } from '../shared/translate';
import { ErrorDetails } from '../ui/ErrorDetails';
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
  const [rememberToken, setRememberToken] = useState(true);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [loaded, setLoaded] = useState(false);
  const urlField = useRef<HTMLInputElement>(null);
  const tokenField = useRef<HTMLInputElement>(null);
  const urlProblem = problem?.startsWith('url-') ?? false;

  useEffect(() => {
    if (state && !loaded) {
      // A link from the workspace (or `npm start`) may suggest the URL: it is filled in, not saved.
      const suggested = new URLSearchParams(location.search).get('workspaceUrl');
      setWorkspaceUrl(state.settings?.workspaceUrl ?? suggested ?? '');
      setToken(state.settings?.token ?? '');
      setRememberToken(state.settings?.rememberToken !== false);
      setLoaded(true);
    }
  }, [state, loaded]);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const url = parseWorkspaceUrl(workspaceUrl);
    // The message sits under the field it is about, and the field takes the focus.
    if (!url.ok) {
      setProblem(`url-${url.error}`);
      return urlField.current?.focus();
    }
    if (token.trim() === '') {
      setProblem('token-empty');
      return tokenField.current?.focus();
    }
    setProblem(null);
    // Must be the first asynchronous step of the submit: the browser only shows the permission
    // prompt while it still sees the admin's gesture.
    void browser.permissions.request({ origins: [originPattern(url.value)] }).then((granted) => {
      if (!granted) return setProblem('permission-refused');
      return sendCommand({ type: 'save-settings', workspaceUrl, token, rememberToken }).then(() => undefined);
    });
  };

  return (
    <main>
      <h1>{t('optionsHeading')}</h1>
      <p class="muted">{t('optionsIntro')}</p>
      <form onSubmit={onSubmit} noValidate>
        <label for="workspace-url">{t('workspaceUrlLabel')}</label>
        <input
          id="workspace-url"
          type="url"
          inputMode="url"
          autoComplete="url"
          placeholder="https://analytics.example.com"
          ref={urlField}
          value={workspaceUrl}
          aria-invalid={urlProblem}
          aria-describedby={urlProblem ? 'form-problem' : undefined}
          onInput={(e) => setWorkspaceUrl(e.currentTarget.value)}
        />
        {urlProblem && problem && <FieldProblem problem={problem} />}
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
        <label class="checkbox">
          <input type="checkbox" checked={rememberToken} onChange={(e) => setRememberToken(e.currentTarget.checked)} />
          {t('rememberToken')}
        </label>
        <p class="detail">{t('rememberTokenHelp')}</p>
        {problem === 'permission-refused' && <FieldProblem problem={problem} />}
        <div class="actions">
          <button class="primary" type="submit" disabled={state?.profile?.status === 'checking'}>
            {t('saveAndCheck')}
          </button>
        </div>
      </form>
      <section aria-live="polite" data-testid="profile-status">
        {state?.settings && (
          <ProfileStatus
            profile={state.profile}
            onSignOut={() => {
              // The form forgets it too: what the admin sees is what the extension keeps.
              setToken('');
              void sendCommand({ type: 'sign-out' });
            }}
          />
        )}
      </section>
      {state?.settings && <HealthInterval minutes={state.settings.healthCheckMinutes ?? DEFAULT_HEALTH_CHECK_MINUTES} />}
    </main>
  );
}

function ProfileStatus({ profile, onSignOut }: { profile: ProfileState | undefined; onSignOut: () => void }) {
  if (!profile) return null;
  if (profile.status === 'checking') return <p class="muted">{t('checkingWorkspace')}</p>;
  if (profile.status === 'failed') {
    // Signed out: nothing failed, the form just waits for a token.
    if (profile.error.code === 'not-configured') return <p class="muted">{t('signedOut')}</p>;
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
      <p>{me.user.email}</p>
      <p>{admin ? t('roleAdmin') : t('requiresAdmin')}</p>
      <button onClick={onSignOut}>{t('signOut')}</button>
    </div>
  );
}

function HealthInterval({ minutes }: { minutes: number }) {
  const [value, setValue] = useState(String(minutes));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    // The command's own schema says what an interval may be: one rule, here and in the worker.
    const command = parseCommand({ type: 'set-health-interval', minutes: value.trim() === '' ? NaN : Number(value) });
    if (command?.type !== 'set-health-interval') {
      setMessage({ ok: false, text: t('formIntervalInvalid') });
      return;
    }
    const reply = await sendCommand(command);
    setMessage(
      reply.ok ? { ok: true, text: t('healthIntervalSaved', String(command.minutes)) } : { ok: false, text: errorMessage(reply.error) },
    );
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
          value={value}
          aria-invalid={message?.ok === false}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">{t('healthIntervalSave')}</button>
      </div>
      <p role="status" class={message ? `notice ${message.ok ? 'ok' : 'bad'}` : ''}>
        {message?.text}
      </p>
    </form>
  );
}
