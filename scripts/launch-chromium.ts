/**
 * Opens Chromium with the built extension loaded through the DevTools protocol
 * (`Extensions.loadUnpacked`), which works in Debian Chromium and in branded Chrome 137+ alike
 * (those ignore `--load-extension`). Shared by `npm start` and the end-to-end tests.
 */
import puppeteer, { type Browser } from 'puppeteer-core';

/** Needed on these machines: root, no GPU, no network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

export interface LaunchedChromium {
  browser: Browser;
  extensionId: string;
  extensionUrl(path: string): string;
}

export async function launchChromiumWithExtension(options: {
  executablePath: string;
  extensionDir: string;
  headless: boolean;
  lang?: string;
  userDataDir?: string;
}): Promise<LaunchedChromium> {
  const browser = await puppeteer.launch({
    executablePath: options.executablePath,
    headless: options.headless,
    pipe: true,
    enableExtensions: true,
    defaultViewport: null,
    args: [...CHROMIUM_ARGS, ...(options.lang ? [`--lang=${options.lang}`] : [])],
    ...(options.lang ? { env: { ...process.env, LANGUAGE: options.lang, LANG: options.lang } } : {}),
    ...(options.userDataDir ? { userDataDir: options.userDataDir } : {}),
  });
  const extensionId = await browser.installExtension(options.extensionDir);
  return {
    browser,
    extensionId,
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`,
  };
}
