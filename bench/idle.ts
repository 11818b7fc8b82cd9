/**
 * What it costs to keep the extension installed (issue #18), in the bench's Chromium with the
 * production bundle: with the popup closed and nothing wrong, an hour of health checks fired by the
 * bench (the alarms the worker registered, one period after another; the worker stopped between
 * them, as Chromium stops an idle one), counting its wake-ups, the CPU and the bytes of each
 * check, and its memory at the end; then the popup opened 100 times in a row, against the
 * worker's memory and what storage holds.
 */
import { TargetType, type Browser, type CDPSession, type Page, type Target } from 'puppeteer-core';

export interface IdleFigures {
  /** The alarms the worker keeps, with their periods (minutes). */
  alarms: Array<{ name: string; periodInMinutes: number | null }>;
  /** Health-check periods in the simulated hour (60 / the period). */
  periods: number;
  /** Worker starts over the hour, counted from the browser's targets. */
  wakeUps: number;
  /** Requests to the workspace per unchanged check, and how each was answered. */
  requestsPerCheck: number[];
  checks: Array<{ method: string; path: string; status: number; conditional: boolean; responseBytes: number }>;
  /** CPU the worker's thread spent per unchanged check, while awake (ms, median of 7). */
  cpuPerCheckMs: number;
  /** The worker's JS heap after the hour's last check (bytes, after garbage collection). */
  workerHeapAfterHourBytes: number;
  /** The popup opened 100 times: the worker's heap and the bytes in storage before and after. */
  popup100: {
    heapBeforeBytes: number;
    heapAfterBytes: number;
    localBytesBefore: number;
    localBytesAfter: number;
    sessionBytesBefore: number;
    sessionBytesAfter: number;
  };
}

interface IdleContext {
  browser: Browser;
  extensionId: string;
  /** Opens an extension page of the bench build. */
  page: (path: string) => Promise<Page>;
  serverUrl: string;
  log: (line: string) => void;
}

type LoggedRequest = { method: string; path: string; status: number; ifNoneMatch: string | null; responseBytes: number };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const until = async (condition: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`idle bench: ${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export async function measureIdle({ browser, extensionId, page, serverUrl, log }: IdleContext): Promise<IdleFigures> {
  const isWorker = (t: Target) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(`chrome-extension://${extensionId}/`);
  const workerTarget = () => browser.targets().find(isWorker);
  let starts = 0;
  const onTarget = (t: Target) => {
    if (isWorker(t)) starts += 1;
  };
  browser.on('targetcreated', onTarget);
  const requests = async () =>
    ((await (await fetch(`${serverUrl}/__test/requests`)).json()) as { requests: LoggedRequest[] }).requests.filter((r) =>
      r.path.startsWith('/api/'),
    );
  const clearRequests = () => fetch(`${serverUrl}/__test/requests`, { method: 'DELETE' });
  const session = async (): Promise<CDPSession> => {
    const target = await browser.waitForTarget(isWorker, { timeout: 20_000 });
    const cdp = await target.createCDPSession();
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    return cdp;
  };
  /** The worker's JS heap in use, after a garbage collection (workers have no Performance domain). */
  const heap = async (cdp: CDPSession) => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  /** CPU the worker's thread spent on `work`: the sampled time of a CPU profile that is not idle. */
  const cpuOf = async (cdp: CDPSession, work: () => Promise<void>): Promise<number> => {
    await cdp.send('Profiler.start');
    await work();
    const { profile } = await cdp.send('Profiler.stop');
    const idleNodes = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
    let busyMicros = 0;
    (profile.samples ?? []).forEach((node, i) => {
      if (!idleNodes.has(node)) busyMicros += profile.timeDeltas?.[i] ?? 0;
    });
    return busyMicros / 1000;
  };
  /** Stops the worker, as Chromium does with an idle one, and waits until it is gone. */
  const stopWorker = async () => {
    const target = workerTarget();
    if (target) await (await target.worker())?.close();
    await until(async () => workerTarget() === undefined, 'the worker stopping');
  };
  /** Fires the health check's alarm from a page that is closed again at once (pages do not wake the worker). */
  const fireHealthAlarm = async () => {
    const p = await page('blank.html');
    await p.evaluate(() => chrome.alarms.create('health-check-now', { when: Date.now() }));
    await p.close();
  };

  // Nothing open but a blank tab; the list is checked and unchanged from here on.
  for (const p of await browser.pages()) if (p.url().startsWith('chrome-extension://')) await p.close();
  const probe = await page('blank.html');
  const alarms = (await probe.evaluate(() => chrome.alarms.getAll())).map((a) => ({
    name: a.name,
    periodInMinutes: a.periodInMinutes ?? null,
  }));
  await probe.close();
  const period = alarms.find((a) => a.name === 'health-check')?.periodInMinutes ?? 15;
  const periods = Math.round(60 / period);

  // The hour: each period the worker is stopped, its alarm fires, it checks, and the bench watches
  // a while for anything else it does before stopping it again.
  log(`idle: ${periods} health checks…`);
  const requestsPerCheck: number[] = [];
  const checks: IdleFigures['checks'] = [];
  let workerHeapAfterHourBytes = 0;
  await stopWorker();
  starts = 0;
  for (let n = 0; n < periods; n++) {
    await clearRequests();
    await fireHealthAlarm();
    const cdp = await session();
    await until(async () => (await requests()).length > 0, 'the health check');
    // Anything else the worker does after its check (another request, another start) shows here.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const seen = await requests();
    requestsPerCheck.push(seen.length);
    checks.push(
      ...seen.map((r) => ({
        method: r.method,
        path: r.path,
        status: r.status,
        conditional: r.ifNoneMatch !== null,
        responseBytes: r.responseBytes,
      })),
    );
    if (n === periods - 1) workerHeapAfterHourBytes = await heap(cdp);
    await cdp.detach();
    await stopWorker();
  }
  const wakeUps = starts;

  // CPU per check while awake: checks one after another in one worker's life.
  log('idle: CPU per check…');
  await fireHealthAlarm();
  const awake = await session();
  await until(async () => (await requests()).length > 0, 'the first check');
  const cpuPerCheck: number[] = [];
  for (let n = 0; n < 7; n++) {
    await clearRequests();
    cpuPerCheck.push(
      await cpuOf(awake, async () => {
        await fireHealthAlarm();
        await until(async () => (await requests()).length > 0, 'a check');
        // The answer's handling, after the workspace logged it.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }),
    );
  }

  // The popup opened 100 times in a row (each opening asks the worker to check).
  log('idle: the popup opened 100 times…');
  const bytesInUse = async () => {
    const p = await page('blank.html');
    const bytes = await p.evaluate(async () => [
      await chrome.storage.local.getBytesInUse(null),
      await chrome.storage.session.getBytesInUse(null),
    ]);
    await p.close();
    return bytes as [number, number];
  };
  const openPopups = async (times: number) => {
    for (let n = 0; n < times; n++) {
      const popup = await page('src/popup/index.html');
      await popup.waitForSelector('[data-testid=integration-list]');
      await popup.close();
    }
  };
  // A few first, so that what the worker compiles and caches once is not counted as growth.
  await openPopups(10);
  const [localBytesBefore, sessionBytesBefore] = await bytesInUse();
  const heapBeforeBytes = await heap(awake);
  await openPopups(100);
  await clearRequests();
  await fireHealthAlarm();
  await until(async () => (await requests()).length > 0, 'a check after the popups');
  const heapAfterBytes = await heap(awake);
  const [localBytesAfter, sessionBytesAfter] = await bytesInUse();
  await awake.detach();
  browser.off('targetcreated', onTarget);

  return {
    alarms,
    periods,
    wakeUps,
    requestsPerCheck,
    checks,
    cpuPerCheckMs: median(cpuPerCheck),
    workerHeapAfterHourBytes,
    popup100: { heapBeforeBytes, heapAfterBytes, localBytesBefore, localBytesAfter, sessionBytesBefore, sessionBytesAfter },
  };
}
