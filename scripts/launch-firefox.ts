/**
 * Opens Firefox (Debian firefox-esr) over WebDriver BiDi with the built extension installed as a
 * temporary add-on. The add-on's internal UUID is pinned by a preference so the tests know its
 * moz-extension: origin.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { GECKO_ID } from './extension-ids';

export const FIREFOX_EXTENSION_UUID = '6f2c3c0e-8a4b-4c1e-9d2a-0b1c2d3e4f50';

export async function launchFirefoxWithExtension(options: {
  executablePath: string;
  extensionDir: string;
  headless: boolean;
  lang?: string;
  /** More preferences, e.g. `layout.css.prefers-color-scheme.content-override` for a dark run. */
  prefs?: Record<string, unknown>;
}): Promise<{ browser: Browser; extensionId: string; extensionUrl(path: string): string }> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: options.executablePath,
    headless: options.headless,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      // With Debian's language pack (firefox-esr-l10n-*), the browser and the extension speak it.
      ...(options.lang ? { 'intl.locale.requested': options.lang, 'intl.accept_languages': options.lang } : {}),
      ...options.prefs,
    },
  });
  const extensionId = await browser.installExtension(options.extensionDir);
  return {
    browser,
    extensionId,
    extensionUrl: (path) => `moz-extension://${FIREFOX_EXTENSION_UUID}/${path.replace(/^\//, '')}`,
  };
}
