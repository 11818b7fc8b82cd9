/**
 * `browser.*` for the extension's pages. Firefox and Chromium 148+ have a native, promise-based
 * `browser`, which webextension-polyfill would hand through unchanged; so the polyfill is loaded
 * only where it is missing, and costs the popup nothing elsewhere. (The service worker imports the
 * polyfill directly: service workers allow neither top-level await nor dynamic import.)
 */
import type Browser from 'webextension-polyfill';

const native = (globalThis as unknown as { browser?: typeof Browser }).browser;

const browser: typeof Browser = native?.runtime?.id ? native : (await import('webextension-polyfill')).default;

export default browser;
