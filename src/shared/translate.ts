/**
 * Message keys, typed from `public/_locales/en/messages.json`: a key with a typo does not compile. The
 * pages and the worker each pass their own `getMessage` (the pages load the polyfill their way).
 */
import { isKnownStatus } from './attention';
import type { AppErrorCode } from './errors';
import type en from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof en;

/** Keys with a singular form beside them (`needAttention` and `needAttentionOne`). */
export type PluralKey = { [K in MessageKey]: `${K}One` extends MessageKey ? K : never }[MessageKey];

type Underscored<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${Underscored<Tail>}` : S;
/** The message of each error code: a code without one in the locales does not compile. */
export type ErrorMessageKey = `error_${Underscored<AppErrorCode>}` & MessageKey;

/** A status pill's label; a status this release does not know is named as it is, neutrally. */
export const statusLabel = (t: Translate, status: string): string =>
  isKnownStatus(status) ? t(`status_${status}`) : t('status_unknown', status);

export type Translate = (key: MessageKey, substitutions?: string | string[]) => string;

/** An integration's account as the admin reads it: its name, or (Stripe did not share it) its id, labelled. */
export const accountLabel = (t: Translate, integration: { stripeAccountName: string | null; stripeAccountId: string }): string =>
  integration.stripeAccountName ?? t('unnamedAccount', integration.stripeAccountId);

/** A missing translation shows its key rather than an empty label. */
export const translator =
  (getMessage: (key: string, substitutions?: string | string[]) => string): Translate =>
  (key, substitutions) =>
    getMessage(key, substitutions) || key;
