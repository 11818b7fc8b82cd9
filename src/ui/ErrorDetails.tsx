import type { AppError } from '../shared/errors';
import { t } from './i18n';

/**
 * What went wrong, for support, behind a disclosure: the typed code, shown as an identifier. The
 * raw text (the browser's, Stripe's or the workspace's, in whatever language they wrote it) is
 * not shown: Copy puts it on the clipboard for a support request.
 */
export function ErrorDetails({ error }: { error: AppError }) {
  return (
    <details class="detail">
      <summary>{t('details')}</summary>
      <p>
        {t('errorCode')} <code>{error.code}</code>
      </p>
      <button
        class="small"
        onClick={(event) => {
          const button = event.currentTarget;
          // The label changes in place: a one-off acknowledgement needs no component state.
          void navigator.clipboard.writeText(JSON.stringify(error)).then(() => (button.textContent = t('copied')));
        }}
      >
        {t('copyDetails')}
      </button>
    </details>
  );
}
