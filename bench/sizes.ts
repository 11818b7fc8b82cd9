/**
 * Bundle sizes, gzip bytes: what the popup page loads (its scripts, their static imports, its
 * styles), what the service worker loads, and a bare Preact hello-world built the same way.
 * Deterministic: the same source gives the same figures, so CI asserts the budgets on every change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGETS = {
  popupGzipBytes: 15 * 1024,
  /** The owner's goal (issue "Performance"), reported by `npm run bench`: missed since the finished screens (×2.2). */
  popupToBaselineRatio: 2,
  /**
   * What CI holds the popup to until the owner decides between the ×2 goal and the screens the
   * "finished screens" issue asks for, so nothing grows unnoticed: ×2.27 once they were done; ×2.30
   * (10,592 bytes) after the code-health issue (typed message keys in a small shared chunk, the
   * watcher's read-back when Firefox misses a change event); ×2.36 (10,876 bytes) with sign-in
   * with the workspace (the signed-out notice and its Sign in again button); ×2.50 (11,536 bytes)
   * with several workspaces (#17: the switcher, and the state gathered from each workspace's keys);
   * ×2.76 with the sync state (#16: the import's progress, the totals, the table
   * list, an object's error); ×2.81 with #18's connect in a long list (the list rendered again
   * only when what it shows changed, the watcher keeping unchanged keys' objects, the rows'
   * buttons disabled by one fieldset) and the delayed spinner; this ceiling leaves ~170 bytes.
   * (Before, CI measured under NODE_ENV=test, against Preact's development bundle: ×1.5.)
   */
  popupToBaselineRatioCeiling: 2.85,
  /** The owner's goal (issue "Performance"), reported by `npm run bench`: met until several workspaces (#17). */
  serviceWorkerGzipBytes: 20 * 1024,
  /**
   * What CI holds the service worker to until the owner decides how the 20 KB goal is to be met
   * again (docs/PERFORMANCE.md): 21,315 bytes with several workspaces (#17); 21,571 with the sync
   * state (#16: its schema, and following an import while a popup is open); this leaves ~430 bytes.
   */
  serviceWorkerGzipBytesCeiling: 21.5 * 1024,
};

const root = resolve(import.meta.dirname, '..');
const vite = join(root, 'node_modules/vite/bin/vite.js');

export const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** A module and every module it imports statically, as files under `dir`. */
function moduleGraph(dir: string, entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  for (const match of source.matchAll(/(?:^|[;\s}])import\s*(?:[\w${}\s,*]+from\s*)?["']([^"']+)["']/g)) {
    const target = match[1]!.startsWith('/') ? join(dir, match[1]!) : resolve(dirname(entry), match[1]!);
    if (existsSync(target)) moduleGraph(dir, target, seen);
  }
  return seen;
}

/** The files an HTML page of the build loads: scripts with their imports, and stylesheets. */
export function pageFiles(dir: string, htmlPath: string): string[] {
  const html = readFileSync(join(dir, htmlPath), 'utf8');
  const files = new Set<string>();
  for (const [, src] of html.matchAll(/<script[^>]+src="([^"]+)"/g)) {
    for (const file of moduleGraph(dir, join(dir, src!.startsWith('/') ? src! : join(dirname(htmlPath), src!)))) files.add(file);
  }
  for (const [, href] of html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)) {
    files.add(join(dir, href!.startsWith('/') ? href! : join(dirname(htmlPath), href!)));
  }
  return [...files];
}

const total = (files: string[]) => files.reduce((sum, file) => sum + gzipBytes(file), 0);

export interface SizeFigures {
  popupGzipBytes: number;
  popupFiles: Record<string, number>;
  serviceWorkerGzipBytes: number;
  baselineGzipBytes: number;
  popupToBaselineRatio: number;
}

/** Builds the production extension into `outDir` (and the baseline beside it) and measures. */
export function measureSizes(outDir: string): SizeFigures {
  // Production builds whoever asks: under vitest NODE_ENV is `test`, and the baseline would then be
  // built with Preact's development bundle, twice its size, and every ratio would look good.
  const env = { ...process.env, NODE_ENV: 'production' };
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'error', '--outDir', outDir], { cwd: root, env });
  const baselineDir = `${outDir}-baseline`;
  execFileSync(process.execPath, [vite, 'build', '--config', join(root, 'bench/baseline-preact/vite.config.ts'), '--outDir', baselineDir], {
    cwd: root,
    env,
  });

  const popup = pageFiles(outDir, 'src/popup/index.html');
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { background: { service_worker: string } };
  const worker = [...moduleGraph(outDir, join(outDir, manifest.background.service_worker))];
  const baseline = pageFiles(baselineDir, 'index.html');
  const popupGzipBytes = total(popup);
  const baselineGzipBytes = total(baseline);
  return {
    popupGzipBytes,
    popupFiles: Object.fromEntries(popup.map((f) => [f.slice(outDir.length + 1), gzipBytes(f)])),
    serviceWorkerGzipBytes: total(worker),
    baselineGzipBytes,
    popupToBaselineRatio: Math.round((popupGzipBytes / baselineGzipBytes) * 100) / 100,
  };
}
