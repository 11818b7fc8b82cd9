import browser from './browser';
import { errorMessageKey, type AppError } from '../shared/errors';
import { accountLabel as labelAccount, statusLabel as labelOf, translator, type PluralKey } from '../shared/translate';

/** A localized string from `_locales`; a missing key shows itself rather than an empty label. */
export const t = translator((key, substitutions) => browser.i18n.getMessage(key, substitutions));

/** A count in a sentence: `<key>One` for one, `<key>` for any other number (`shown`: the count as written, e.g. "12,345"). */
export const plural = (key: PluralKey, count: number, shown = String(count)): string => t(count === 1 ? `${key}One` : key, shown);

/** A status pill's label; a status this release does not know is named as it is, neutrally. */
export const statusLabel = (status: string): string => labelOf(t, status);

/** The account's name, or its id labelled where Stripe did not share a name. */
export const accountLabel = (integration: { stripeAccountName: string | null; stripeAccountId: string }): string =>
  labelAccount(t, integration);

export function errorMessage(error: AppError): string {
  if (error.code === 'rate-limited' && error.retryAfterSeconds !== undefined) {
    return t('error_rate_limited_retry', String(error.retryAfterSeconds));
  }
  return t(errorMessageKey(error.code));
}

/**
 * The language the messages are in, for `lang` and dates. Not `getUILanguage()` nor `@@ui_locale`:
 * Chromium can pick a translation from the environment while both still say `en-US`.
 */
export const uiLanguage = (): string => browser.i18n.getMessage('localeCode') || browser.i18n.getUILanguage();
