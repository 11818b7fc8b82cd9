/**
 * The floor under the popup's first paint (issue #18), measured rather than argued: the very list
 * the popup paints, without the popup's modules, beside a blank extension page in the same run.
 * - **Static**: the list as HTML in the page, with the popup's stylesheet and no script: what the
 *   browser needs to lay out and paint this list at all, and so the fastest any popup can show it.
 * - **Snapshot**: the page empty, the list painted from `localStorage` by a classic script as the
 *   page is parsed, before any module: the best case of the snapshot #18 accepted (a popup that
 *   paints its last list before its modules run), without the modules that must still follow it.
 * Each is timed by First Contentful Paint (the popup paints nothing before its list, so for it that
 * is the list's paint), from navigation start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';

export interface PaintFloor {
  blankMs: number[];
  staticListMs: number[];
  snapshotMs: number[];
}

interface FloorContext {
  extensionDir: string;
  /** Opens an extension page and waits for its load. */
  page: (path: string) => Promise<Page>;
  runs: number;
}

const SNAPSHOT_KEY = 'benchPaintFloorSnapshot';

/** First Contentful Paint of a page, from navigation start (ms). */
const firstContentfulPaint = (p: Page) =>
  p.evaluate(
    () =>
      new Promise<number>((resolve) =>
        new PerformanceObserver((list) => {
          const entry = list.getEntries().find((e) => e.name === 'first-contentful-paint');
          if (entry) resolve(entry.startTime);
        }).observe({ type: 'paint', buffered: true }),
      ),
  );

export async function measurePaintFloor({ extensionDir, page, runs }: FloorContext): Promise<PaintFloor> {
  // The list as the popup rendered it (its stored state, every row in), kept for the snapshot page.
  const popup = await page('src/popup/index.html');
  await popup.waitForFunction(() => performance.getEntriesByName('wc:integrations-complete').length > 0, { timeout: 20_000 });
  const list = await popup.evaluate((key) => {
    const html = document.getElementById('app')!.innerHTML;
    localStorage.setItem(key, html);
    return html;
  }, SNAPSHOT_KEY);
  await popup.close();

  // The popup's own document, its stylesheet kept and every script left out.
  const built = readFileSync(join(extensionDir, 'src/popup/index.html'), 'utf8')
    .replace(/<script\b[^>]*><\/script>\s*/g, '')
    .replace(/<link rel="modulepreload"[^>]*>\s*/g, '');
  const withApp = (app: string) => built.replace('<div id="app"></div>', app);
  writeFileSync(join(extensionDir, 'floor-static.html'), withApp(`<div id="app">${list}</div>`));
  writeFileSync(
    join(extensionDir, 'floor-snapshot.js'),
    `document.getElementById('app').innerHTML = localStorage.getItem(${JSON.stringify(SNAPSHOT_KEY)}) ?? '';\n`,
  );
  writeFileSync(join(extensionDir, 'floor-snapshot.html'), withApp('<div id="app"></div><script src="/floor-snapshot.js"></script>'));

  const floor: PaintFloor = { blankMs: [], staticListMs: [], snapshotMs: [] };
  const measure = async (path: string, into: number[]) => {
    const p = await page(path);
    into.push(await firstContentfulPaint(p));
    await p.close();
  };
  for (let run = 0; run < runs; run++) {
    await measure('blank.html', floor.blankMs);
    await measure('floor-static.html', floor.staticListMs);
    await measure('floor-snapshot.html', floor.snapshotMs);
  }
  return floor;
}
