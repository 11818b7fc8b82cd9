/**
 * The moment of connection comes to the admin: the popup closes when Stripe's window opens, so
 * when a flow ends nobody is looking. Unless a popup page already shows it, the popup opens by
 * itself in the window the admin started from (`action.openPopup`, which Chromium allows without a
 * gesture), and where the browser refuses (Firefox), a notification says it and opens the popup.
 */
import browser from './browser';
import { accountLabel, translator } from '../shared/translate';
import { errorMessageKey } from '../shared/errors';
import type { FlowState } from '../shared/state';

export const OUTCOME_NOTIFICATION_PREFIX = 'flow-outcome:';
export const POPUP_PATH = 'src/popup/index.html';

const t = translator((key, substitutions) => browser.i18n.getMessage(key, substitutions));

/** The normal window the admin is in when a flow starts: the outcome goes back there. */
export async function currentWindowId(): Promise<number | undefined> {
  return (await browser.windows.getLastFocused().catch(() => undefined))?.id;
}

export async function bringOutcomeToAdmin(final: FlowState, windowId: number | undefined): Promise<void> {
  if (final.phase !== 'succeeded' && final.phase !== 'failed') return;
  if (await popupIsShowing()) return;
  try {
    if (windowId !== undefined) await browser.windows.update(windowId, { focused: true });
    await browser.action.openPopup(windowId === undefined ? {} : { windowId });
  } catch {
    const [title, message] =
      final.phase === 'succeeded'
        ? [
            t('outcomeConnectedTitle', accountLabel(t, final.integration)),
            t('outcomeConnectedMessage', [final.integration.stripeAccountId, t(final.integration.livemode ? 'liveMode' : 'testMode')]),
          ]
        : [t('outcomeFailedTitle'), t(errorMessageKey(final.error.code))];
    await browser.notifications.create(`${OUTCOME_NOTIFICATION_PREFIX}${final.flowId}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title,
      message,
    });
  }
}

/** A popup, or the popup page in a tab, is open: it already renders the outcome. */
async function popupIsShowing(): Promise<boolean> {
  const popupUrl = browser.runtime.getURL(POPUP_PATH);
  const contexts = await browser.runtime.getContexts({ contextTypes: ['POPUP', 'TAB'] }).catch(() => []);
  return contexts.some((context) => context.documentUrl?.startsWith(popupUrl));
}
