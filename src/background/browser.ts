/**
 * `browser.*` for the service worker (Firefox: event page): native and promise-based in every
 * browser the extension supports (Firefox 140+, Chromium 148+, the manifests' minimums), where
 * webextension-polyfill would hand it through unchanged; so the worker does not carry the
 * polyfill's 3 KB (gzip) of its 20 KB budget. The types are still the polyfill's.
 */
import type Browser from 'webextension-polyfill';

const browser = (globalThis as unknown as { browser: typeof Browser }).browser;

export default browser;
