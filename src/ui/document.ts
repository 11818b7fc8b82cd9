import type { MessageKey } from '../shared/translate';
import { t, uiLanguage } from './i18n';

/** Title and `lang` from the browser's language, so screen readers pronounce it right. */
export function localizeDocument(titleKey: MessageKey): void {
  document.documentElement.lang = uiLanguage();
  document.title = t(titleKey);
}
