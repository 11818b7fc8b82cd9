/** The deterministic half of `npm run bench`: bundle sizes against their budgets, on every change. */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUDGETS, measureSizes } from '../../bench/sizes';

describe('bundle size budgets (production build, gzip)', () => {
  const outDir = join(tmpdir(), `wc-size-${process.pid}`);
  const sizes = measureSizes(outDir);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(`${outDir}-baseline`, { recursive: true, force: true });
  });

  it(`the popup loads at most ${BUDGETS.popupGzipBytes} bytes of JS and CSS`, () => {
    expect(Object.keys(sizes.popupFiles).length).toBeGreaterThan(2);
    expect(sizes.popupGzipBytes).toBeLessThanOrEqual(BUDGETS.popupGzipBytes);
  });

  it(`the popup loads at most ${BUDGETS.popupToBaselineRatioCeiling}× a bare Preact hello-world built the same way (production)`, () => {
    // Preact's production bundle is about 4.5 KB: a development build would make every ratio look good.
    expect(sizes.baselineGzipBytes).toBeGreaterThan(3000);
    expect(sizes.baselineGzipBytes).toBeLessThan(6000);
    expect(sizes.popupGzipBytes / sizes.baselineGzipBytes).toBeLessThanOrEqual(BUDGETS.popupToBaselineRatioCeiling);
  });

  it(`the service worker loads at most ${BUDGETS.serviceWorkerGzipBytesCeiling} bytes`, () => {
    expect(sizes.serviceWorkerGzipBytes).toBeGreaterThan(1000);
    expect(sizes.serviceWorkerGzipBytes).toBeLessThanOrEqual(BUDGETS.serviceWorkerGzipBytesCeiling);
  });
});
