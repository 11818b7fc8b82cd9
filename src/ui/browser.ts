/**
 * `browser.*` for the extension's pages. Firefox and Chromium 148+ have a native, promise-based
 * `browser`, which webextension-polyfill would hand through unchanged; so the polyfill is loaded
 * only where it is missing, and costs the popup nothing elsewhere. It is shipped as a plain file
 * (not a chunk), so the pages carry no module-preload helper or CommonJS interop for it; its UMD
 * wrapper sets `globalThis.browser`. (The service worker imports the polyfill directly: service
 * workers allow neither top-level await nor dynamic import.)
 */
import type Browser from 'webextension-polyfill';
import polyfillUrl from 'webextension-polyfill/dist/browser-polyfill.min.js?url';

type WithBrowser = { browser?: typeof Browser };
const hasNativeBrowser = () => Boolean((globalThis as unknown as WithBrowser).browser?.runtime.id);

if (!hasNativeBrowser()) await import(/* @vite-ignore */ polyfillUrl);

const browser = (globalThis as unknown as WithBrowser).browser as typeof Browser;

export default browser;
