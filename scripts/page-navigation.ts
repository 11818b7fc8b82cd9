/**
 * Getting a page somewhere in Firefox over WebDriver BiDi, which does not always say it got there.
 * Shared by the end-to-end tests and `npm run screenshots`.
 */
import type { Page } from 'puppeteer-core';

/**
 * Where a page is, or '' if it cannot say within a second: over WebDriver BiDi an evaluation sent
 * while the page navigates can wait forever, so a poll must not rest on one.
 */
export const locationOf = (page: Page): Promise<string> =>
  Promise.race([page.evaluate(() => location.href).catch(() => ''), new Promise<string>((resolve) => setTimeout(() => resolve(''), 1000))]);

async function arrived(page: Page, url: string, within: number): Promise<boolean> {
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    if ((await locationOf(page)).startsWith(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Firefox over BiDi: a navigation to a loopback page now and then never reports its load (about
 * once in 40 here), so `goto` would wait for ever. Ask the page where it is instead, and navigate
 * again if it did not get there.
 */
export async function gotoLoopback(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await Promise.race([page.goto(url).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (await arrived(page, url, 2000)) return;
    if (attempt === 3) throw new Error(`could not open ${url}`);
  }
}

/**
 * The page itself follows a link: how a loopback page reaches an extension page (development
 * builds make them web-accessible to loopback), or one extension page another, where BiDi may not
 * navigate to moz-extension: URLs.
 */
export async function followLink(page: Page, url: string): Promise<void> {
  // Not awaited as such: the navigation it starts can leave the evaluation unanswered.
  await Promise.race([
    page
      .evaluate((target) => {
        location.href = target;
      }, url)
      .catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 1000)),
  ]);
  // Ask the page itself: puppeteer's page.url() can miss a navigation the page started.
  if (!(await arrived(page, url, 10_000))) throw new Error(`could not open ${url}`);
}
