/**
 * `npm run screenshots`: every screen and state of the popup and the settings, light and dark,
 * English and Spanish, into `screenshots/<browser>-<lang>-<scheme>/<scene>.png`. Each scene is a
 * stored state written the way the service worker writes it (the pages render storage, so that is
 * all a screen depends on), against the reference workspace answering the scene's list.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startReferenceServer } from '../server/src/index';
import { DEMO_ADMIN_TOKEN } from '../server/src/model';
import type { StoredState } from '../src/shared/state';
// @ts-expect-error plain ESM script without types
import { ensureBrowser } from './browsers.mjs';
import { launchChromiumWithExtension } from './launch-chromium';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, process.env.SCREENSHOTS_DIR ?? 'screenshots');

const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
const ana = { user: { id: 'usr_admin', name: 'Ana García', email: 'ana@acme.test' }, workspace: { id: 'ws_acme', name: 'Acme Analytics' } };
const admin = { status: 'ready', me: { ...ana, role: 'admin' }, checkedAt: now } as const;
const standard = {
  status: 'ready',
  me: { user: { id: 'usr_std', name: 'Sam Rivera', email: 'sam@acme.test' }, workspace: ana.workspace, role: 'standard' },
  checkedAt: now,
} as const;

function integration(id: string, name: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    provider: 'stripe',
    status,
    stripeAccountId: `acct_1${id.replace(/\W/g, '')}`,
    stripeAccountName: name,
    livemode: id.length % 2 === 0,
    connectedAt: ago(60 * 24 * 30),
    lastSyncAt: status === 'active' ? ago(6) : ago(60 * 24 * 3),
    reason: null,
    ...extra,
  };
}

const reasons = {
  revoked: 'Access was revoked in Stripe: the account owner disconnected this workspace. Reauthenticate to reconnect it.',
  expired: 'Stripe no longer accepts this connection’s credentials. Reauthenticate to resume syncing.',
  error: 'The last sync failed. The workspace retries; reauthenticate if it persists.',
};
const acme = integration('AcmeStore', 'Acme Store', 'active');
const everyState = [
  integration('Contoso', 'Contoso Marketplace', 'revoked', { reason: reasons.revoked }),
  integration('Northwind', 'Northwind Traders', 'expired', { reason: reasons.expired }),
  integration('Globex', 'Globex Shop', 'error', { reason: reasons.error }),
  acme,
  integration('Paused', 'Paused Store', 'paused'),
  integration('LongName', 'Fabrikam Holdings International GmbH & Co. KG — Europe Subscriptions', 'active'),
  integration('NoSpaces', 'wideworldimporters-subscriptions-eu-production', 'active'),
];
const hostile = [
  integration('Long', 'A'.repeat(400), 'expired', { reason: 'z'.repeat(600) }),
  integration('Rtl', '\u202Eevil.exe Store', 'active'),
  integration('Arabic', 'متجر الأمل للإلكترونيات', 'active'),
  integration('Emoji', '🚀 Rocket Store 🇪🇸 ✨', 'active'),
  integration('Markup', '<img src=x> Markup Store', 'active'),
];

const flowBase = { flowId: 'f1', kind: 'connect', startedAt: now } as const;
const settings = (url: string) => ({ workspaceUrl: url, token: DEMO_ADMIN_TOKEN, rememberToken: true });
const health = (integrations: unknown[], error?: unknown) => ({ integrations, etag: '"scene"', checkedAt: now - 3 * 60_000, ...(error ? { error } : {}) });

interface Scene {
  name: string;
  page: 'popup' | 'options';
  state(url: string): Partial<StoredState> | Record<string, unknown>;
  /** What the workspace answers to the list while the scene is shown. */
  list?: unknown[];
  /** Done on the page before the picture. */
  act?(page: Page): Promise<void>;
}

const SCENES: Scene[] = [
  { name: 'popup-not-configured', page: 'popup', state: () => ({}) },
  { name: 'popup-empty', page: 'popup', state: (url) => ({ settings: settings(url), profile: admin, health: health([]) }), list: [] },
  {
    name: 'popup-bad-token',
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: { status: 'failed', error: { code: 'unauthorized', detail: 'Invalid token' }, checkedAt: now }, health: health([]) }),
  },
  { name: 'popup-non-admin', page: 'popup', state: (url) => ({ settings: settings(url), profile: standard, health: health([acme]) }), list: [acme] },
  {
    name: 'popup-connecting',
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: admin, health: health([acme]), flow: { ...flowBase, phase: 'authorizing', sessionId: 'cs_1' } }),
    list: [acme],
  },
  {
    name: 'popup-saving-retrying',
    page: 'popup',
    state: (url) => ({
      settings: settings(url),
      profile: admin,
      health: health([acme]),
      flow: {
        ...flowBase,
        phase: 'completing',
        pending: { sessionId: 'cs_1', body: { code: 'ac_x', state: 's' }, idempotencyKey: 'k', grantedAt: now, attempts: 2, lastError: { code: 'in-progress' } },
      },
    }),
    list: [acme],
  },
  {
    name: 'popup-success',
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: admin, health: health([acme]), flow: { ...flowBase, phase: 'succeeded', integration: acme, finishedAt: now } }),
    list: [acme],
  },
  {
    name: 'popup-failed-window-closed',
    page: 'popup',
    state: (url) => ({
      settings: settings(url),
      profile: admin,
      health: health([]),
      flow: { ...flowBase, phase: 'failed', error: { code: 'window-closed', detail: 'The user did not approve access.' }, finishedAt: now },
    }),
    list: [],
  },
  { name: 'popup-list-every-state', page: 'popup', state: (url) => ({ settings: settings(url), profile: admin, health: health(everyState) }), list: everyState },
  {
    name: 'popup-disconnect-confirm',
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: admin, health: health([acme]) }),
    list: [acme],
    act: async (page) => {
      await page.locator('button[aria-label="Disconnect Acme Store"], button[aria-label="Desconectar Acme Store"]').click();
    },
  },
  {
    name: 'popup-refresh-failed',
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: admin, health: health(everyState.slice(0, 3), { code: 'timeout', detail: 'GET /api/v1/integrations' }) }),
  },
  { name: 'popup-hostile-names', page: 'popup', state: (url) => ({ settings: settings(url), profile: admin, health: health(hostile) }), list: hostile },
  { name: 'options-empty', page: 'options', state: () => ({}) },
  { name: 'options-admin', page: 'options', state: (url) => ({ settings: settings(url), profile: admin }) },
  { name: 'options-non-admin', page: 'options', state: (url) => ({ settings: settings(url), profile: standard }) },
  {
    name: 'options-bad-token',
    page: 'options',
    state: (url) => ({ settings: settings(url), profile: { status: 'failed', error: { code: 'unauthorized', detail: 'Invalid token' }, checkedAt: now } }),
  },
];

async function main() {
  console.log('Building the development extension…');
  execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'development', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'wc-shots-'));
  const server = await startReferenceServer({ dataDir, testControls: true });
  const only = process.argv.slice(2);
  let count = 0;
  try {
    for (const lang of ['en', 'es']) {
      const chromium = await launchChromiumWithExtension({
        executablePath: ensureBrowser('chromium') as string,
        extensionDir: resolve(root, 'dist/chrome-dev'),
        headless: true,
        lang,
      });
      try {
        const stage = await chromium.browser.newPage();
        await stage.goto(chromium.extensionUrl('src/options/index.html'));
        for (const scheme of ['light', 'dark'] as const) {
          const dir = join(out, `chromium-${lang}-${scheme}`);
          mkdirSync(dir, { recursive: true });
          for (const scene of SCENES) {
            if (only.length && !only.some((o) => scene.name.includes(o))) continue;
            await fetch(`${server.url}/__test/faults`, { method: 'DELETE' });
            if (scene.list) {
              await fetch(`${server.url}/__test/faults`, {
                method: 'POST',
                body: JSON.stringify({ method: 'GET', path: '^/api/v1/integrations$', kind: 'respond', status: 200, body: { integrations: scene.list }, headers: { ETag: '"scene"' }, times: 100 }),
              });
            }
            await stage.evaluate(async (state) => {
              await chrome.storage.local.clear();
              await chrome.storage.local.set(state);
            }, scene.state(server.url) as Record<string, unknown>);
            const page = await chromium.browser.newPage();
            await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
            await page.setViewport({ width: scene.page === 'popup' ? 360 : 760, height: 600 });
            await page.goto(chromium.extensionUrl(`src/${scene.page}/index.html`));
            await page.waitForSelector('main');
            await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), { polling: 50 });
            await scene.act?.(page);
            // Fonts and the last render settle before the picture.
            await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
            await page.screenshot({ path: join(dir, `${scene.name}.png`) as `${string}.png`, fullPage: true });
            await page.close();
            count++;
          }
        }
      } finally {
        await chromium.browser.close();
      }
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${count} screenshots in ${out}`);
}

await main();
