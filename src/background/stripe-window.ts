/**
 * The Stripe sign-in window of the running flow (`identity.launchWebAuthFlow`): brought forward on
 * a second Connect, closed on Cancel, and kept to itself in Firefox.
 */
import type Browser from 'webextension-polyfill';
import browser from './browser';
import type { AuthorizeUrl } from '../shared/authorize-url';

let stripeWindowId: number | null = null;

/** Opens Stripe's sign-in; resolves with the URL Stripe redirected to. */
export async function launchStripeWindow(
  url: AuthorizeUrl,
  { signal, onWindow }: { signal: AbortSignal; onWindow: (windowId: number) => void },
): Promise<string> {
  const remember = (window: Browser.Windows.Window) => {
    if (stripeWindowId !== null || window.id === undefined) return;
    stripeWindowId = window.id;
    onWindow(window.id);
  };
  const close = () => {
    if (stripeWindowId !== null) void browser.windows.remove(stripeWindowId).catch(() => undefined);
  };
  browser.windows.onCreated.addListener(remember);
  browser.tabs.onCreated.addListener(keepStripeWindowToItself);
  signal.addEventListener('abort', close);
  try {
    return await browser.identity.launchWebAuthFlow({ url, interactive: true });
  } finally {
    browser.windows.onCreated.removeListener(remember);
    browser.tabs.onCreated.removeListener(keepStripeWindowToItself);
    signal.removeEventListener('abort', close);
    stripeWindowId = null;
  }
}

/** One flow at a time: asking again brings the running one's Stripe window forward. */
export async function focusStripeWindow(): Promise<void> {
  if (stripeWindowId === null) return;
  await browser.windows.update(stripeWindowId, { focused: true, drawAttention: true }).catch(() => undefined);
}

/**
 * Firefox's Stripe window is an ordinary browser window that watches only its selected tab for
 * Stripe's redirect: a tab opened while it is in front (by the admin, a link, this extension)
 * would land there and hide the sign-in for good. Such a tab is moved to another window at once.
 */
function keepStripeWindowToItself(tab: Browser.Tabs.Tab): void {
  if (stripeWindowId === null || tab.windowId !== stripeWindowId || tab.id === undefined) return;
  const tabId = tab.id;
  const stripeWindow = stripeWindowId;
  void (async () => {
    // The window's own first tab is Stripe's sign-in.
    if ((await browser.tabs.query({ windowId: stripeWindow })).length < 2) return;
    const windows = await browser.windows.getAll({ windowTypes: ['normal'] });
    const other = windows.find((w) => w.id !== stripeWindow && w.id !== undefined && !w.incognito);
    if (other?.id === undefined) {
      await browser.windows.create({ tabId });
      return;
    }
    await browser.tabs.move(tabId, { windowId: other.id, index: -1 });
    await browser.tabs.update(tabId, { active: true });
  })().catch(() => undefined);
}
