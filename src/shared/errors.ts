/**
 * Every way a flow or a workspace call can fail, as a typed value. The UI maps each code to a
 * localized message (`error_<code>` in `_locales`) that says what happened and what to do.
 */
import type { APP_ERROR_CODES } from './error-codes';
import type { ErrorMessageKey } from './translate';

/** The codes themselves live in error-codes.ts: only the worker needs the list at run time. */
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export interface AppError {
  code: AppErrorCode;
  /** Technical detail for the curious admin and for support; never the only message shown. */
  detail?: string;
  /** From `Retry-After`, when the workspace rate-limits us. */
  retryAfterSeconds?: number;
}

export const appError = (code: AppErrorCode, detail?: string): AppError => (detail === undefined ? { code } : { code, detail });

/** i18n message key for an error code: `window-closed` → `error_window_closed`. */
export const errorMessageKey = (code: AppErrorCode): ErrorMessageKey => `error_${code.replaceAll('-', '_')}` as ErrorMessageKey;
