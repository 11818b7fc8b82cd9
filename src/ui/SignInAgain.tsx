import type { Settings } from '../shared/state';
import { sendCommand } from './commands';
import { t } from './i18n';

/** After the workspace ended a sign-in: the same workspace's sign-in page again, one click away. */
export function SignInAgain({ settings }: { settings: Settings }) {
  return (
    <button
      class="primary"
      onClick={() =>
        void sendCommand({ type: 'sign-in', workspaceUrl: settings.workspaceUrl, keepSignedIn: settings.keepSignedIn !== false })
      }
    >
      {t('signInAgain')}
    </button>
  );
}
