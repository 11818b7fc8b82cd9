/**
 * `npm run bench`: builds the production extension and measures it in headless Chromium against
 * the reference workspace, each figure beside its baseline in the same run (the ratio is the
 * figure that counts on a noisy machine). Writes docs/PERFORMANCE.md and bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import type { Page } from 'puppeteer-core';
import { startReferenceServer } from '../server/dev/reference-server';
import { DEMO_ADMIN_TOKEN } from '../server/src/model';
// @ts-expect-error plain ESM script without types
import { ensureBrowser } from '../scripts/browsers.mjs';
import { launchChromiumWithExtension, type LaunchedChromium } from '../scripts/launch-chromium';
import { measureIdle } from './idle';
import { measurePaintFloor } from './paint-floor';
import { importRows, measureImport, type ImportFigures } from './import';
import { measureServer, type ServerFigures } from './server';
import { BUDGETS, measureSizes } from './sizes';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'wc-bench-'));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (line: string) => process.stderr.write(`${line}\n`);

// 1. Sizes, from the production build, and the Preact hello-world baseline.
log('building the production extension and the baseline…');
const sizes = measureSizes(join(work, 'production'));

// 2. The workspace server, on each driver, before any browser runs: its API, then a first import of
//    a 50,000-row Stripe account (bench/import.ts).
const serverFigures: ServerFigures[] = [];
const importFigures: ImportFigures[] = [];
// BENCH_SKIP_SERVER=1: the browser figures alone (while working on them; the report then lacks the server's).
if (process.env.BENCH_SKIP_SERVER !== '1') {
  for (const driver of ['pglite', 'postgres'] as const) serverFigures.push(await measureServer(driver, log));
  for (const driver of ['pglite', 'postgres'] as const) importFigures.push(await measureImport(driver, log));
}

// 3. The bench build (the production bundle with the development manifest) plus a blank page.
execFileSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'bench', '--logLevel', 'error', '--outDir', join(work, 'bench')],
  { cwd: root },
);
const extensionDir = join(work, 'extension');
cpSync(join(work, 'bench'), extensionDir, { recursive: true });
// Its paragraph is timed as the popup's first integration is: Element Timing, the browser's own
// record of when an element was painted.
writeFileSync(
  join(extensionDir, 'blank.html'),
  '<!doctype html><meta charset="utf-8"><title>blank</title><p elementtiming="wc:blank">blank</p>',
);

const server = await startReferenceServer({
  dataDir: join(work, 'data'),
  testControls: true,
  emulator: { autoApprove: 'owner@acme.test' },
  // The bench writes faster than any admin: limiting it would measure the limiter.
  rateLimit: { writes: 0 },
});
const chromium: LaunchedChromium = await launchChromiumWithExtension({
  executablePath: ensureBrowser('chromium') as string,
  extensionDir,
  headless: true,
});
const { browser } = chromium;

async function page(path: string): Promise<Page> {
  const p = await browser.newPage();
  await p.goto(chromium.extensionUrl(path), { waitUntil: 'load' });
  return p;
}
const markTime = (p: Page, name: string) =>
  p
    .waitForFunction((n) => performance.getEntriesByName(n)[0]?.startTime, { polling: 10, timeout: 20_000 }, name)
    .then((h) => h.jsonValue() as Promise<number>);
/** When the element marked `elementtiming` was painted (ms from navigation start). */
const paintTime = (p: Page) =>
  p.evaluate(
    () =>
      new Promise<number>((resolve) =>
        new PerformanceObserver((list) => resolve((list.getEntries()[0] as PerformanceEntry & { renderTime: number }).renderTime)).observe({
          type: 'element',
          buffered: true,
        }),
      ),
  );
const send = (p: Page, command: unknown) => p.evaluate((c) => chrome.runtime.sendMessage(c), command);
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers as object) },
  });

// Configure as an admin does.
const options = await page('src/options/index.html');
await options.locator('#workspace-url').fill(server.url);
await options.locator('details.api-token > summary').click();
await options.locator('#api-token').fill(DEMO_ADMIN_TOKEN);
await options.keyboard.press('Enter');
await options.waitForFunction(() => document.body.innerText.includes('Signed in as'), { timeout: 15_000 });

async function seed(count: number) {
  // A check still running (a flow's refresh of a long list) is waited for first: the check below
  // would join it and keep the list as it was before the seed.
  await send(options, { type: 'check-health' });
  await fetch(`${server.url}/__test/integrations`, { method: 'DELETE' });
  await fetch(`${server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count }) });
  await send(options, { type: 'check-health' });
}

// 3. Popup: navigation start → cached integrations painted, vs a blank extension page.
log('popup paint…');
await seed(10);
const popupPaint: number[] = [];
const blankPaint: number[] = [];
const popupHeap: number[] = [];
const blankHeap: number[] = [];
/** Where the popup's time goes: its document parsed, its modules run and the state read (ms from navigation start). */
const popupSteps: Array<Record<string, number>> = [];
const blankParsed: number[] = [];
const parsedAt = (p: Page) =>
  p.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive);
for (let run = 0; run < RUNS; run++) {
  const blank = await page('blank.html');
  blankPaint.push(await paintTime(blank));
  blankParsed.push(await parsedAt(blank));
  blankHeap.push((await blank.metrics()).JSHeapUsedSize!);
  await blank.close();
  const popup = await page('src/popup/index.html');
  const painted = await paintTime(popup);
  popupPaint.push(painted);
  popupSteps.push({ parsed: await parsedAt(popup), 'state read': await markTime(popup, 'wc:state-loaded'), painted });
  await new Promise((r) => setTimeout(r, 200));
  popupHeap.push((await popup.metrics()).JSHeapUsedSize!);
  await popup.close();
}

// The floor under that paint: the same list without the popup's modules (bench/paint-floor.ts).
const paintFloor = await measurePaintFloor({ extensionDir, page, runs: RUNS });

// 4. Render of 10 / 100 / 1000 cached integrations: state loaded → list painted (the first
//    screenful), and → every row in the page and painted.
log('render 10 / 100 / 1000…');
const render: Record<number, number> = {};
const renderAll: Record<number, number> = {};
for (const count of [10, 100, 1000]) {
  await seed(count);
  const times: number[] = [];
  const allTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const popup = await page('src/popup/index.html');
    const painted = await paintTime(popup);
    const complete = await markTime(popup, 'wc:integrations-complete');
    const loaded = await markTime(popup, 'wc:state-loaded');
    const rows = await popup.$$eval('[data-testid=integration-list] > li', (li) => li.length);
    if (rows !== count) throw new Error(`expected ${count} rows, saw ${rows}`);
    times.push(painted - loaded);
    allTimes.push(complete - loaded);
    await popup.close();
  }
  render[count] = median(times);
  renderAll[count] = median(allTimes);
}

// 5. Health check with 1000 integrations: unchanged (304) vs changed.
log('health check, 1000 integrations…');
const health = { unchanged: [] as number[], changed: [] as number[], unchangedWrites: 0, unchangedMutations: 0, changedWrites: 0 };
{
  const popup = await page('src/popup/index.html');
  await markTime(popup, 'wc:integrations-complete');
  await popup.evaluate(() => {
    const w = window as unknown as { writes: number; mutations: number };
    w.writes = 0;
    w.mutations = 0;
    chrome.storage.onChanged.addListener(() => (w.writes += 1));
    new MutationObserver((r) => (w.mutations += r.length)).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  const counters = () =>
    popup.evaluate(() => {
      const w = window as unknown as { writes: number; mutations: number };
      return { writes: w.writes, mutations: w.mutations };
    });
  for (let run = 0; run < RUNS; run++) {
    const before = await counters();
    const start = performance.now();
    await send(popup, { type: 'check-health' });
    health.unchanged.push(performance.now() - start);
    const after = await counters();
    health.unchangedWrites += after.writes - before.writes;
    health.unchangedMutations += after.mutations - before.mutations;
  }
  for (let run = 0; run < RUNS; run++) {
    await fetch(`${server.url}/__test/integrations/int_seed${String(run + 1).padStart(5, '0')}/break`, {
      method: 'POST',
      body: JSON.stringify({ how: 'expired' }),
    }).catch(() => undefined);
    await fetch(`${server.url}/__test/integrations/int_seed00001/sync`, { method: 'POST' });
    const before = await counters();
    const start = performance.now();
    await send(popup, { type: 'check-health' });
    health.changed.push(performance.now() - start);
    health.changedWrites += (await counters()).writes - before.writes;
  }
  await popup.close();
}

// 6. Connect flow with an auto-approving emulator: click → Successful connection painted, vs a
//    bare extension page making the same round trips through the same window and painting its
//    result (and, for reference, a bare Node script making those round trips).
log('connect flow…');
await seed(0);
/** More runs than the other timings: the flow crosses three processes and a window on two cores. */
const FLOW_RUNS = Math.max(RUNS, 15);
const flow: number[] = [];
/** When each phase of the extension's flow reached the popup, from the click (ms). */
const flowPhases: Array<Record<string, number>> = [];
/** The bare extension page's steps: session created, the window's answer, completion answered, result painted (ms from its start). */
const bareSteps: Array<Record<string, number>> = [];
const bare: number[] = [];
const bareWindow: number[] = [];
const blankForFlow = await page('blank.html');

async function extensionFlow(into = flow): Promise<void> {
  const popup = await page('src/popup/index.html');
  await send(popup, { type: 'dismiss-flow' });
  await popup.waitForSelector('button.primary:not([disabled])');
  // Clicked once the popup has settled, as an admin's click comes: its refresh of the list answered.
  await send(popup, { type: 'check-health' });
  await markTime(popup, 'wc:integrations-complete');
  const { elapsed, phases } = await popup.evaluate(
    () =>
      new Promise<{ elapsed: number; phases: Array<[string, number]> }>((resolve) => {
        const start = performance.now();
        // When each phase of the flow reached this page (the worker stores each as it goes).
        const phases: Array<[string, number]> = [];
        chrome.storage.onChanged.addListener((changes) => {
          const phase = (changes.flow?.newValue as { phase?: string } | undefined)?.phase;
          if (phase && phases.at(-1)?.[0] !== phase) phases.push([phase, performance.now() - start]);
        });
        const observer = new MutationObserver(() => {
          // textContent, not innerText: the check must not force a layout the bare page does not pay.
          if (document.body.textContent.includes('Successful connection')) {
            observer.disconnect();
            // Once the frame showing it is painted: a task after its animation frame.
            requestAnimationFrame(() => setTimeout(() => resolve({ elapsed: performance.now() - start, phases })));
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        [...document.querySelectorAll('button')].find((b) => b.textContent === 'Connect with Stripe')!.click();
      }),
  );
  into.push(elapsed);
  if (into === flow) flowPhases.push(Object.fromEntries([...phases, ['painted', elapsed]]));
  await popup.close();
}

async function bareScriptFlow(run: number): Promise<void> {
  const start = performance.now();
  const session = (await (
    await api('/api/v1/connect-sessions', {
      method: 'POST',
      body: JSON.stringify({ provider: 'stripe', redirectUri: `https://${chromium.extensionId}.chromiumapp.org/stripe` }),
    })
  ).json()) as { id: string; authorizeUrl: string };
  const redirect = new URL((await fetch(session.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
  const done = await api(`/api/v1/connect-sessions/${session.id}/complete`, {
    method: 'POST',
    headers: { 'Idempotency-Key': `bench-${run}-${Date.now()}` },
    body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
  });
  if (!done.ok) throw new Error(`bare flow failed: ${done.status}`);
  bare.push(performance.now() - start);
}

async function bareExtensionFlow(run: number, into = bareWindow): Promise<void> {
  // The same round trips from a bare extension page, with the Stripe step in the window
  // identity.launchWebAuthFlow opens: what any extension pays, whatever its code does.
  const bareRun = await blankForFlow.evaluate(
    async (workspace, token, redirectUri, key) => {
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const begin = performance.now();
      const created = await fetch(`${workspace}/api/v1/connect-sessions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ provider: 'stripe', redirectUri }),
      });
      const session = (await created.json()) as { id: string; authorizeUrl: string };
      const sessionAt = performance.now() - begin;
      const back = new URL((await chrome.identity.launchWebAuthFlow({ url: session.authorizeUrl, interactive: true }))!);
      const windowAt = performance.now() - begin;
      const completed = await fetch(`${workspace}/api/v1/connect-sessions/${session.id}/complete`, {
        method: 'POST',
        headers: { ...headers, 'Idempotency-Key': key },
        body: JSON.stringify({ code: back.searchParams.get('code'), state: back.searchParams.get('state') }),
      });
      if (!completed.ok) throw new Error(`bare extension flow failed: ${completed.status}`);
      const integration = (await completed.json()) as { stripeAccountName: string | null; stripeAccountId: string };
      const completedAt = performance.now() - begin;
      // And shows it, as the popup must: its line painted, measured as the popup's is (a task
      // after the animation frame that shows it).
      const line = document.createElement('p');
      line.textContent = `Successful connection. ${integration.stripeAccountName ?? ''} ${integration.stripeAccountId}`;
      document.body.append(line);
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      const total = performance.now() - begin;
      line.remove();
      return { total, steps: { session: sessionAt, window: windowAt, completed: completedAt, painted: total } };
    },
    server.url,
    DEMO_ADMIN_TOKEN,
    `https://${chromium.extensionId}.chromiumapp.org/stripe`,
    `bench-window-${run}-${Date.now()}`,
  );
  into.push(bareRun.total);
  if (into === bareWindow) bareSteps.push(bareRun.steps);
}

/**
 * The extension and the bare page take turns going first, so neither gains from the other's
 * warm-up (the workspace's and the emulator's code paths, the browser's window machinery).
 */
async function inTurns(run: number, extension: () => Promise<void>, bareExtension: () => Promise<void>): Promise<void> {
  const [first, second] = run % 2 === 0 ? [extension, bareExtension] : [bareExtension, extension];
  await first();
  await second();
}
for (let run = 0; run < FLOW_RUNS; run++) {
  await inTurns(run, extensionFlow, () => bareExtensionFlow(run));
  await bareScriptFlow(run);
}
// The same in a long list: 1,000 integrations in the popup, beside the same bare page.
await seed(1000);
const flowLongList: number[] = [];
const bareLongList: number[] = [];
for (let run = 0; run < FLOW_RUNS; run++) {
  await inTurns(
    run,
    () => extensionFlow(flowLongList),
    () => bareExtensionFlow(FLOW_RUNS + run, bareLongList),
  );
}
await blankForFlow.close();

// 7. What staying installed costs: an hour of health checks with the popup closed, then the popup
//    opened 100 times.
await seed(10);
const idle = await measureIdle({ browser, extensionId: chromium.extensionId, page, serverUrl: server.url, log });

await browser.close();
await server.close();
rmSync(work, { recursive: true, force: true });

// 8. Report.
const KB = (bytes: number) => `${round(bytes / 1024, 2)} KB`;
const popupPaintMs = median(popupPaint);
const blankPaintMs = median(blankPaint);
const flowMs = median(flow);
const bareMs = median(bare);
const bareWindowMs = median(bareWindow);
const medianByKey = (runs: Array<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(
    [...new Set(runs.flatMap((r) => Object.keys(r)))].map((key) => [key, round(median(runs.flatMap((r) => (key in r ? [r[key]!] : []))))]),
  );
const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: (await import('node:child_process'))
      .execFileSync(ensureBrowser('chromium') as string, ['--version'])
      .toString()
      .trim(),
  },
  runs: RUNS,
  sizes,
  popupPaint: {
    popupMs: round(popupPaintMs),
    blankMs: round(blankPaintMs),
    ratio: round(popupPaintMs / blankPaintMs, 2),
    /** Where the time goes (medians, ms from navigation start). */
    profile: { popup: medianByKey(popupSteps), blank: { parsed: round(median(blankParsed)), painted: round(blankPaintMs) } },
    /** The same list without the popup's modules, by First Contentful Paint, beside the blank page's (bench/paint-floor.ts). */
    floor: {
      blankMs: round(median(paintFloor.blankMs)),
      staticListMs: round(median(paintFloor.staticListMs)),
      staticListRatio: round(median(paintFloor.staticListMs) / median(paintFloor.blankMs), 2),
      snapshotMs: round(median(paintFloor.snapshotMs)),
      snapshotRatio: round(median(paintFloor.snapshotMs) / median(paintFloor.blankMs), 2),
    },
  },
  render: { 10: round(render[10]!), 100: round(render[100]!), 1000: round(render[1000]!) },
  renderAllRows: { 10: round(renderAll[10]!), 100: round(renderAll[100]!), 1000: round(renderAll[1000]!) },
  connectFlow: {
    extensionMs: round(flowMs),
    bareScriptMs: round(bareMs),
    ratio: round(flowMs / bareMs, 2),
    bareExtensionWithWindowMs: round(bareWindowMs),
    ratioToBareExtension: round(flowMs / bareWindowMs, 2),
    /** With 1,000 integrations in the popup's list. */
    longList: {
      extensionMs: round(median(flowLongList)),
      bareExtensionWithWindowMs: round(median(bareLongList)),
      ratio: round(median(flowLongList) / median(bareLongList), 2),
    },
    /** Where the time goes: when each phase reached the popup, and the bare page's steps (medians, ms from the start). */
    profile: { extension: medianByKey(flowPhases), bareExtension: medianByKey(bareSteps) },
  },
  healthCheck1000: {
    unchangedMs: round(median(health.unchanged)),
    changedMs: round(median(health.changed)),
    unchangedStorageWrites: health.unchangedWrites,
    unchangedPopupMutations: health.unchangedMutations,
    changedStorageWrites: health.changedWrites,
  },
  heap: { popupBytes: median(popupHeap), blankBytes: median(blankHeap), ratio: round(median(popupHeap) / median(blankHeap), 2) },
  idle: { ...idle, cpuPerCheckMs: round(idle.cpuPerCheckMs, 2) },
  server: serverFigures,
  import: importFigures,
};
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
/** The worker's heap may move by a few pages of JIT and caches between two readings: more is growth. */
const HEAP_NOISE_BYTES = 64 * 1024;
function idleRows(figures: typeof results.idle): string[] {
  const alarms = figures.alarms.map((a) => `${a.name}${a.periodInMinutes ? ` every ${a.periodInMinutes} min` : ''}`).join(', ');
  const onlyHealth = figures.alarms.every((a) => a.name === 'health-check');
  const oneConditional304 =
    figures.requestsPerCheck.every((n) => n === 1) && figures.checks.every((c) => c.method === 'GET' && c.conditional && c.status === 304);
  const { popup100: p } = figures;
  const noGrowth =
    p.heapAfterBytes <= p.heapBeforeBytes + HEAP_NOISE_BYTES &&
    p.localBytesAfter === p.localBytesBefore &&
    p.sessionBytesAfter === p.sessionBytesBefore;
  return [
    `| staying installed, popup closed, a simulated hour (alarms fired by the bench): service-worker wake-ups | ${figures.wakeUps} in ${figures.periods} periods; alarms: ${alarms} | — | only the health alarm's, one per period | ${verdict(onlyHealth && figures.wakeUps === figures.periods)} |`,
    `| … requests and bytes on the wire per unchanged check | ${figures.requestsPerCheck.join(', ')} request(s): ${[...new Set(figures.checks.map((c) => `${c.method} ${c.path} ${c.conditional ? 'with If-None-Match' : 'unconditional'} → ${c.status}`))].join('; ')}; ${figures.checks.map((c) => c.responseBytes).join(' / ')} bytes answered (status line and headers, no body) | — | one conditional GET answered 304, no body | ${verdict(oneConditional304)} |`,
    `| … worker CPU per health check | ${figures.cpuPerCheckMs} ms (JS thread, sampled) | — | report | — |`,
    `| … worker memory after the hour (JS heap, after GC) | ${KB(figures.workerHeapAfterHourBytes)} | — | report | — |`,
    `| the popup opened 100 times in a row: worker JS heap (after GC), storage | heap ${KB(p.heapBeforeBytes)} → ${KB(p.heapAfterBytes)}; storage.local ${p.localBytesBefore} → ${p.localBytesAfter} bytes, storage.session ${p.sessionBytesBefore} → ${p.sessionBytesAfter} bytes | — | no growth | ${verdict(noGrowth)} |`,
  ];
}
const table = [
  '| figure | measured | baseline in the same run | goal | |',
  '|---|---|---|---|---|',
  `| popup JS + CSS, gzip | ${KB(sizes.popupGzipBytes)} | Preact hello-world ${KB(sizes.baselineGzipBytes)} (×${sizes.popupToBaselineRatio}) | ≤ 15 KB, ≤ 2× | ${verdict(sizes.popupGzipBytes <= BUDGETS.popupGzipBytes && sizes.popupToBaselineRatio <= BUDGETS.popupToBaselineRatio)} |`,
  `| service worker bundle, gzip | ${KB(sizes.serviceWorkerGzipBytes)} | — | ≤ 20 KB | ${verdict(sizes.serviceWorkerGzipBytes <= BUDGETS.serviceWorkerGzipBytes)} |`,
  `| popup: navigation start → cached integrations painted (10) | ${results.popupPaint.popupMs} ms | blank extension page ${results.popupPaint.blankMs} ms (×${results.popupPaint.ratio}) | ≤ 1.25× | ${verdict(results.popupPaint.ratio <= 1.25)} |`,
  `| … where the time goes (medians, ms from navigation start): the popup's document parsed, its modules run and the stored state read, its list painted; the blank page's | ${Object.entries(
    results.popupPaint.profile.popup,
  )
    .map(([step, ms]) => `${step} ${ms}`)
    .join(', ')} | parsed ${results.popupPaint.profile.blank.parsed}, painted ${results.popupPaint.profile.blank.painted} | report | — |`,
  `| … the floor: the same list without the popup's modules (First Contentful Paint), as static HTML with the popup's stylesheet / painted from \`localStorage\` by a classic script as the page is parsed (a snapshot's best case) | static ${results.popupPaint.floor.staticListMs} ms (×${results.popupPaint.floor.staticListRatio}); snapshot ${results.popupPaint.floor.snapshotMs} ms (×${results.popupPaint.floor.snapshotRatio}) | blank extension page ${results.popupPaint.floor.blankMs} ms | report | — |`,
  `| connect flow, auto-approving emulator: click → *Successful connection* painted | ${results.connectFlow.extensionMs} ms | a bare extension page making the same round trips through the same launchWebAuthFlow window, then painting its result ${results.connectFlow.bareExtensionWithWindowMs} ms (×${results.connectFlow.ratioToBareExtension}) | ≤ 1.25× | ${verdict(results.connectFlow.ratioToBareExtension <= 1.25)} |`,
  `| … the same with 1,000 integrations in the popup's list | ${results.connectFlow.longList.extensionMs} ms | the same bare page ${results.connectFlow.longList.bareExtensionWithWindowMs} ms (×${results.connectFlow.longList.ratio}) | report | — |`,
  `| … the same, against a bare Node script making those round trips (no window, nothing painted) | ${results.connectFlow.extensionMs} ms | ${results.connectFlow.bareScriptMs} ms (×${results.connectFlow.ratio}) | report (was ≤ 1.5×, superseded by the line above) | — |`,
  `| … where the time goes (medians, ms from the click / the start): when each stored phase reached the popup, and the bare page's steps | ${Object.entries(
    results.connectFlow.profile.extension,
  )
    .map(([phase, ms]) => `${phase} ${ms}`)
    .join(', ')} | ${Object.entries(results.connectFlow.profile.bareExtension)
    .map(([step, ms]) => `${step} ${ms}`)
    .join(', ')} | report | — |`,
  `| popup render 10 / 100 / 1000 integrations (state loaded → list painted) | ${results.render[10]} / ${results.render[100]} / ${results.render[1000]} ms | — | 1000 ≤ 50 ms, linear or better | ${verdict(results.render[1000] <= 50 && results.render[1000] <= results.render[100] * 10 + 5)} |`,
  `| … until every row is in the page and painted | ${results.renderAllRows[10]} / ${results.renderAllRows[100]} / ${results.renderAllRows[1000]} ms | — | report (linear or better) | ${verdict(results.renderAllRows[1000] <= results.renderAllRows[100] * 10 + 5)} |`,
  `| health check, 1000 integrations, unchanged (304) | ${results.healthCheck1000.unchangedMs} ms; ${results.healthCheck1000.unchangedStorageWrites} storage writes, ${results.healthCheck1000.unchangedPopupMutations} popup DOM mutations in ${RUNS} checks | changed: ${results.healthCheck1000.changedMs} ms, ${results.healthCheck1000.changedStorageWrites} storage writes | no re-render, no storage write | ${verdict(results.healthCheck1000.unchangedStorageWrites === 0 && results.healthCheck1000.unchangedPopupMutations === 0)} |`,
  `| popup JS heap after render | ${KB(results.heap.popupBytes)} | blank extension page ${KB(results.heap.blankBytes)} (×${results.heap.ratio}) | report | — |`,
  ...idleRows(results.idle),
];
// The JSON document store these replace, measured on the same kind of machine (issue "The workspace
// side for real", main 7222123): one session at 10,000 integrations, 50 concurrent creations, a 304.
const JSON_STORE = { createAt10k: 55, first100: 2.5, last100: 15.4, growthRatio: 6.1, concurrent50: 756, notModified50k: 348 };
const serverRows = (figures: ServerFigures[]) => {
  const byDriver = (pick: (f: ServerFigures) => string) =>
    figures.map((f) => `${f.driver === 'pglite' ? 'PGlite' : 'PostgreSQL'} ${pick(f)}`).join('; ');
  const all = (ok: (f: ServerFigures) => boolean) =>
    verdict(figures.every(ok)) +
    (figures.every(ok)
      ? ''
      : ` (${figures
          .filter((f) => !ok(f))
          .map((f) => f.driver)
          .join(', ')})`);
  return [
    `| server: create a connect session, 1,000 workspaces × 50 integrations, 10,000 stored sessions (median of 200) | ${byDriver((f) => `${f.createSessionMs} ms`)} | JSON store: ${JSON_STORE.createAt10k} ms at 10,000 integrations | ≤ 10 ms | ${all((f) => f.createSessionMs <= 10)} |`,
    `| server: complete a connect session, same data (median of 100) | ${byDriver((f) => `${f.completeMs} ms`)} | — | ≤ 10 ms | ${all((f) => f.completeMs <= 10)} |`,
    `| server: first 100 → last 100 of 3,000 session creations (medians) | ${byDriver((f) => `${f.growth.first100Ms} → ${f.growth.last100Ms} ms (×${f.growth.ratio})`)} | JSON store: ${JSON_STORE.first100} → ${JSON_STORE.last100} ms (×${JSON_STORE.growthRatio}) | ≤ ×1.3 | ${all((f) => f.growth.ratio <= 1.3)} |`,
    `| server: 50 concurrent completions, all answered (CPU the workspace process spent on them) | ${byDriver((f) => `${f.concurrentCompletions50Ms} ms (${f.concurrentCpuMs.workspace} ms)`)} | JSON store: 50 concurrent creations ${JSON_STORE.concurrent50} ms | ≤ 150 ms | ${all((f) => f.concurrentCompletions50Ms <= 150)} |`,
    `| server: unchanged list (304) of a workspace with 50,000 integrations (median of 100) | ${byDriver((f) => `${f.notModified50kMs} ms`)} | JSON store: ${JSON_STORE.notModified50k} ms | ≤ 5 ms | ${all((f) => f.notModified50kMs <= 5)} |`,
  ];
};
table.push(...serverRows(serverFigures), ...importRows(importFigures));

const ext = results.connectFlow.profile.extension;
const bareAt = results.connectFlow.profile.bareExtension;
const popupProfile = results.popupPaint.profile.popup;
const popupPaintMissed = `- **Popup paint ≤ 1.25× a blank page** (×${results.popupPaint.ratio} here). The floor row measures what this list costs
  without the popup's modules: as static HTML with the popup's stylesheet and no script, ×${results.popupPaint.floor.staticListRatio} of a
  blank page; painted by a classic script from \`localStorage\` as the document is parsed (the
  snapshot #18 accepted, at its very best: no module loading beside it), ×${results.popupPaint.floor.snapshotRatio}${results.popupPaint.floor.snapshotRatio > 1.25 ? ', itself above the goal' : ''}.
  The popup's own time (the profile row): its document is parsed at ${popupProfile.parsed} ms (the blank page's at
  ${results.popupPaint.profile.blank.parsed}); its three module files, which the browser serves from the extension's folder only once
  the document names them, have run and read the stored state at ${popupProfile['state read']} ms; the rendered list is
  painted at ${results.popupPaint.popupMs} ms, a frame or two later. The snapshot itself was built and measured whole (branch
  \`wip/popup-snapshot\`: the list kept after each calm render, painted by an early script, a click
  on it replayed on the live page): its modules, which must still load and take over, kept its
  first paint at about 80 ms against a blank page's 40, so it was not merged; a page painting the
  snapshot and starting the modules after that first frame measured 60 ms against the popup's 64
  and the blank page's 40 (medians of 25 on this machine), 4 ms for a page that shows buttons
  without handlers.
`;
const flowGap = (extensionMs: number, bareMs: number) => round(extensionMs - bareMs);
const connectFlowMissed = `- **Connect flow ≤ 1.25× a bare extension page** (×${results.connectFlow.ratioToBareExtension} here): see where its time goes, below.
`;
const connectFlowProfile = `- The extension's flow: each phase as it reached the popup (the worker stores each one, the popup
  renders what is stored): ${Object.entries(ext)
    .map(([phase, ms]) => `${phase} ${ms}`)
    .join(', ')} ms. The bare page: ${Object.entries(bareAt)
    .map(([step, ms]) => `${step} ${ms}`)
    .join(', ')} ms.
- The outcome: the extension has *succeeded* in the popup ${flowGap(ext.succeeded ?? 0, bareAt.completed ?? 0)} ms after the bare page has its
  completion answered, and paints it ${flowGap(results.connectFlow.extensionMs, ext.succeeded ?? 0)} ms later (the bare page: ${flowGap(bareAt.painted ?? 0, bareAt.completed ?? 0)} ms).
- What the extension does that the bare page does not, all of it needed: the click travels to the
  service worker as a command, which reads the workspace's settings and checks its origin
  permission before the first request (about 3 ms in runs with User Timing marks in the worker);
  every phase is stored, and the popup learns of the outcome from storage (the write, then the
  change event to the page: about 5 ms); and the popup renders more than one line.
- The phases the popup shows mid-way (*authorizing*, *completing*) arrive later than the bare
  page's steps, since their writes wait behind the browser opening and closing Stripe's window;
  nothing waits for them.
`;
const markdown = `# Performance

Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB,
Node ${results.machine.node}, ${results.machine.chromium} (headless). Medians of ${RUNS} runs; every timing
beside its baseline measured in the same run, since the ratio is what counts on a shared machine.
Sizes come from the production build (\`npm run build\`) and are deterministic: CI checks them
against their budgets on every change (\`test/e2e/bundle-size.test.ts\`); timings are reported here,
never asserted in a test.

${table.join('\n')}

Popup files (gzip bytes): ${Object.entries(sizes.popupFiles)
  .map(([f, b]) => `\`${f}\` ${b}`)
  .join(', ')}.

How each figure is taken (\`bench/run.ts\`):
- **Sizes**: the files the popup page loads (its module scripts with their static imports, and its
  stylesheets) and the service worker's module graph, each gzipped at level 9; the baseline is
  \`bench/baseline-preact\`, a bare Preact hello-world built by the same Vite and preset.
- **Popup paint**: when the browser painted the first integration's name (Element Timing,
  \`elementtiming="wc:integrations"\`), against when it painted the paragraph of a blank extension
  page (the same API), both from navigation start. Its profile row: each page's \`domInteractive\`
  (document parsed) and the popup's \`wc:state-loaded\` (its modules have run and read the stored
  state). Its floor row (\`bench/paint-floor.ts\`): the list the popup rendered, put as static HTML
  into a copy of the popup's document (its stylesheet kept, every script left out), and painted
  from \`localStorage\` by a classic script while that document is parsed; each timed by First
  Contentful Paint beside the blank page's, in the same run.
- **Render**: from \`wc:state-loaded\` (the popup has the stored state) to that paint; a long list
  is painted a screenful (30 rows) first and the rest in slices of 200 right after, so the second
  row of figures runs to \`wc:integrations-complete\`, marked in a task after the frame that added the
  last rows (before the compositor presents that frame, hence below the paint figure for 10).
- **Connect flow**: from the click to the frame showing *Successful connection* painted (a task
  after its animation frame), with the emulator approving at once, clicked once the popup has
  settled (its refresh of the list answered, as before an admin's click). The baseline is a bare
  extension page making the same three round trips, with the Stripe step in the window
  \`identity.launchWebAuthFlow\` opens (what every extension pays), and painting its result the same
  way; the two take turns going first, ${FLOW_RUNS} runs each. The reference row makes the round trips
  from Node (no window, nothing painted).
- **Health check**: a \`check-health\` command round trip with 1000 integrations; unchanged lists
  are answered 304 and must cause no storage write and no DOM mutation in an open popup.
- **Heap**: \`JSHeapUsedSize\` of the popup with 10 integrations against a blank extension page.
- **Server** (\`bench/server.ts\`): the reference workspace on PGlite (a data folder, as \`npm start\`
  runs it) and on a PostgreSQL 15 server started for the run, each seeded in SQL with 1,000
  workspaces × 50 integrations, 10,000 live connect sessions and one workspace of 50,000
  integrations; requests over HTTP from the same process, the Stripe emulator approving at once.
  Each timing is one request from send to the whole answer read; the 50 completions are sent
  together and timed until the last is answered.
- **Import** (\`bench/import.ts\`): the reference workspace on each driver, with the Stripe emulator
  in its process holding one account of 50,000 rows (\`accountWithRows\`: the nine objects in the
  Acme Store's proportions), connected through Stripe Apps; one *sync now* (\`POST
  /__test/integrations/:id/sync\`, answered once the import is done) is timed from send to answer,
  then every object's table is counted and must hold exactly the account's rows, or the bench fails.
  List pages are the emulator's log of \`GET /v1/<object>\` calls during the sync (two more than
  paging reads: the newest event, taken before the import, and the events since). The context is
  the same lists paged through the workspace's own \`stripe\` client (the gateway's \`list\`, pages
  of 100) in the same process with nothing stored, after a first pass to warm it up: the ceiling an
  import can reach here. The sync asks for the next page only once the last is stored, so the
  database's time adds to the paging's.

What the service worker carries (${KB(sizes.serviceWorkerGzipBytes)}; 19.55 KB with sign-in and the
organization's policy, 14.67 KB before them):
- Sign-in's OAuth client, \`oauth4webapi\`, about 6.1 KB (discovery, PKCE, the authorization
  response check, the code and refresh grants with their token-response checks, revocation; its
  token-response check carries ID-token verification, which no \`openid\` sign-in uses but cannot
  be left out); valibot about 2.5 KB; the worker's own sign-in code about 1.3 KB, the policy about
  0.5 KB.
- Several workspaces (#17) about 1.3 KB: the state gathered from each workspace's keys and the
  migration to them, health checks, badge and notifications across workspaces, switch, rename and
  sign-out per workspace.
- The worker does not carry webextension-polyfill (about 3 KB): Firefox and Chromium 148+ have a
  native promise-based \`browser\`, which the polyfill only handed through; the Chrome build requires
  148 (\`minimum_chrome_version\`). The pages do not load valibot, so the worker has it to itself.
  The small modules it shares with the popup (state, errors, translations, attention) are one
  chunk, so it loads three files.

What keeps the popup fast:
- Preact's core only: the popup is a render of the stored state (\`src/popup/main.tsx\`), its rows
  are class components that render again only when their integration changes; no hooks.
- webextension-polyfill is a plain file, loaded only where \`browser\` is missing (Chromium < 148).
- Three module files and one stylesheet; the small pure modules shared with the service worker are
  one chunk, and the toolbar-only health logic (\`src/shared/alerts.ts\`) is not among them.
- The stored state is read by \`public/preload-state.js\` while the modules load; the service worker
  is woken (to refresh the list) only after the first paint.
- A long list paints 30 rows first, then 200 more per task after each paint; rows below the fold
  have \`content-visibility: auto\`.
- The connect flow writes its progress while the next step runs. The pending completion is asked
  to be stored before it is sent, but not waited for: the browser has the write once asked, and
  writes land in the order asked, so a worker stopped from then on still leaves it for the next
  one to send again under the same key.
- A connect in a long list: the worker reads only the shown workspace's settings before the first
  request (not every integration); the pages compare the stored state key by key and keep the
  object of every key that did not change, so the list renders again only when what it shows
  changed; while a flow runs, the rows' buttons are disabled by one fieldset rather than every row
  rendering again. With 1,000 integrations the same flow took 161–174 ms before (about ×3 the bare
  page, in runs of 7).
- The flow's spinner shows, and turns, only once a step has lasted 0.4 s: a page with an animation
  running is painted at the animation's frames, so the outcome waited for the next one (the
  outcome's paint, from the page having it: 5–9 ms with the spinner turning from the start, 2–3 ms
  since, in runs of 15 flows).

Goals still missed, and why:
- **Service worker ≤ 20 KB** (${KB(sizes.serviceWorkerGzipBytes)} here): several workspaces (#17) added about
  1.3 KB to a worker that sign-in had brought to 19.55 KB. What would meet it again is the owner's
  choice: checking the workspace's token responses with a valibot schema of our own instead of
  \`oauth4webapi\`'s check, which carries the ID-token verification this sign-in never uses (about
  −2.2 KB; discovery, PKCE and the authorization response would stay with the library), or a
  budget that counts the features asked for since (about 21 KB). CI holds the worker at
  ${BUDGETS.serviceWorkerGzipBytesCeiling} bytes meanwhile, so nothing grows unnoticed.
- **Popup ≤ 2× a Preact hello-world** (×${sizes.popupToBaselineRatio} here). Two things: CI had been
  measuring under vitest's \`NODE_ENV=test\`, so its baseline was Preact's development bundle (8.5 KB)
  and the ratio read ×1.5; it builds in production mode now, as the bench always did. And the
  finished screens (Cancel and progress in the Stripe card, Retry with the list's age, the
  attention summary, Details, the settings button, one blocking state, the visual system) cost
  about 1 KB gzip, where the ×2 goal left 54 bytes; the rest of that issue (Details with *Copy
  details for support*, the outcome with ×, the sticky *Add a data source*, one-line rows, counts in
  the singular) about 300 more, the typed message keys (a small shared chunk) about 100, and
  several workspaces (#17: the switcher, the state gathered from each workspace's keys) about 0.7 KB,
  and #18's connect in a long list with the delayed spinner about 60 bytes. CI
  holds the popup at ×${BUDGETS.popupToBaselineRatioCeiling} until the owner decides between the ×2 goal and those screens.
${results.popupPaint.ratio > 1.25 ? popupPaintMissed : ''}- **50 concurrent completions ≤ 150 ms on PGlite** (${serverFigures.find((f) => f.driver === 'pglite')?.concurrentCompletions50Ms} ms here): PGlite
  is PostgreSQL running on the workspace process's own thread, so the database work of 50
  completions happens one statement after another on the thread that also parses, routes and
  calls Stripe; the workspace process spent ${serverFigures.find((f) => f.driver === 'pglite')?.concurrentCpuMs.workspace} ms of CPU on them, against
  ${serverFigures.find((f) => f.driver === 'postgres')?.concurrentCpuMs.workspace} ms with PostgreSQL, where the database's share runs in its own processes. The
  embedded default is for one team and for trying the product; a workspace that expects bursts
  of completions sets \`DATABASE_URL\`. On this 2-core machine the clients, the workspace, Stripe's
  emulator and PostgreSQL share the cores, so the PostgreSQL figure moves around the goal from
  run to run (about 130–190 ms in the runs of this change).
${results.connectFlow.ratioToBareExtension > 1.25 ? connectFlowMissed : ''}
Where the connect flow's time goes (the profile row, medians from the click and from the bare page's
start):
${connectFlowProfile}
`;
writeFileSync(join(root, 'docs/PERFORMANCE.md'), markdown);
// Formatted as the repository's JSON is, so that a fresh run is lint-clean.
writeFileSync(join(root, 'bench/results.json'), await format(JSON.stringify(results), { parser: 'json' }));
console.log(table.join('\n'));
