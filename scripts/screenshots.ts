/**
 * `npm run screenshots`: every screen and state of the popup and the settings (scripts/scenes.ts),
 * light and dark, English and Spanish, Chromium and Firefox, into
 * `screenshots/<browser>-<lang>-<scheme>/<scene>.png`. Arguments: parts of scene names to take only
 * those; `--no-firefox` or `--no-chromium` to skip a browser.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startReferenceServer } from '../server/dev/reference-server';
// @ts-expect-error plain ESM script without types
import { ensureBrowser, ensureFirefoxLanguagePack } from './browsers.mjs';
import { launchChromiumWithExtension } from './launch-chromium';
import { launchFirefoxWithExtension } from './launch-firefox';
import { followLink, gotoLoopback } from './page-navigation';
import { scenes, stageScene, type Scene } from './scenes';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, process.env.SCREENSHOTS_DIR ?? 'screenshots');

type Scheme = 'light' | 'dark';
const LANGUAGES = ['en', 'es'] as const;
const SCHEMES: Scheme[] = ['light', 'dark'];
/** The toolbar popup is 360 px wide here and at most 600 px high: the picture is what fits. */
const POPUP = { width: 360, maxHeight: 600 };

/** A browser with the extension, and the one tab the scenes are shown in. */
interface Stage {
  page: Page;
  close(): Promise<void>;
  /** Shows an extension page in the stage's tab. */
  show(path: string): Promise<void>;
}

async function chromiumStage(lang: string, scheme: Scheme): Promise<Stage> {
  const chromium = await launchChromiumWithExtension({
    executablePath: ensureBrowser('chromium') as string,
    extensionDir: resolve(root, 'dist/chrome-dev'),
    headless: true,
    lang,
  });
  const page = await chromium.browser.newPage();
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(chromium.extensionUrl('src/options/index.html'));
  return {
    page,
    close: () => chromium.browser.close(),
    show: async (path) => {
      await page.goto(chromium.extensionUrl(path));
    },
  };
}

async function firefoxStage(lang: string, scheme: Scheme, loopbackUrl: string): Promise<Stage> {
  const firefox = await launchFirefoxWithExtension({
    executablePath: ensureBrowser('firefox') as string,
    extensionDir: resolve(root, 'dist/firefox-dev'),
    headless: true,
    lang,
    prefs: { 'layout.css.prefers-color-scheme.content-override': scheme === 'dark' ? 0 : 1 },
  });
  const page = await firefox.browser.newPage();
  // WebDriver BiDi may not open moz-extension: URLs itself: a loopback page follows a link there,
  // and from then on one extension page to the next.
  await gotoLoopback(page, loopbackUrl);
  await followLink(page, firefox.extensionUrl('src/options/index.html'));
  return {
    page,
    close: () => firefox.browser.close(),
    show: (path) => followLink(page, firefox.extensionUrl(path)),
  };
}

async function main() {
  const only = process.argv.slice(2);
  const browsers = (['chromium', 'firefox'] as const).filter((b) => !only.includes(`--no-${b}`));
  const filters = only.filter((o) => !o.startsWith('--'));
  console.log('Building the development extension…');
  for (const target of ['chrome', 'firefox']) {
    execFileSync(
      process.execPath,
      [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'development', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, WC_BROWSER: target },
      },
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'wc-shots-'));
  const server = await startReferenceServer({ dataDir, testControls: true });
  let count = 0;
  try {
    for (const browser of browsers) {
      if (browser === 'firefox') ensureFirefoxLanguagePack('es');
      for (const lang of LANGUAGES) {
        for (const scheme of SCHEMES) {
          const stage =
            browser === 'firefox'
              ? await firefoxStage(lang, scheme, `${server.emulator!.url}/__emulator/deauthorizations`)
              : await chromiumStage(lang, scheme);
          try {
            count += await shoot(stage, join(out, `${browser}-${lang}-${scheme}`), scenes(lang), filters, server.url);
          } finally {
            await stage.close();
          }
        }
      }
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${count} screenshots in ${out}`);
}

async function shoot(stage: Stage, dir: string, list: Scene[], filters: string[], workspaceUrl: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const { page } = stage;
  let count = 0;
  for (const scene of list) {
    if (filters.length && !filters.some((f) => scene.name.includes(f))) continue;
    await stageScene(page, workspaceUrl, scene);
    const popup = scene.page === 'popup';
    await page.setViewport({ width: popup ? POPUP.width : 760, height: popup ? POPUP.maxHeight : 600 });
    await stage.show(`src/${scene.page}/index.html`);
    await page.waitForSelector('main');
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), { polling: 50 });
    await scene.act?.(page);
    // Fonts and the last render settle before the picture, and what shows after a moment is shown
    // (the flow's spinner appears once a step has lasted 0.4 s).
    await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
    await page.waitForFunction(
      () =>
        document
          .getAnimations()
          .every((animation) => Number(animation.currentTime ?? 0) >= (animation.effect?.getComputedTiming().delay ?? 0)),
      { polling: 50 },
    );
    if (popup) {
      // The popup as the admin sees it: as tall as its content, up to the browser's limit.
      const height = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      if (height < POPUP.maxHeight) await page.setViewport({ width: POPUP.width, height });
    }
    await page.screenshot({ path: join(dir, `${scene.name}.png`), fullPage: !popup });
    count++;
  }
  return count;
}

await main();
