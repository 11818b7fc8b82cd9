/**
 * Secrets stay where they belong: nothing secret-looking is shipped in the extension, the
 * production manifest asks for the least it needs, and the workspace token never reaches Stripe.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureWorkspace, connectFromPopup, DEMO_ADMIN_TOKEN, extensionState, extensionStorage, startWorld } from './support';

const root = resolve(import.meta.dirname, '../..');
const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['Stripe secret or restricted key', /\b[sr]k_(test|live)_[0-9A-Za-z]{8,}/],
  ['Stripe webhook secret', /\bwhsec_[0-9A-Za-z_]{8,}/],
  ['Stripe OAuth refresh token', /\brt_[0-9A-Za-z]{16,}/],
  ['workspace API token', /\bwc_[a-z]+_[a-z_]*token\b/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('secrets', () => {
  let productionDir: string;
  beforeAll(() => {
    productionDir = join(tmpdir(), `wc-prod-${process.pid}`);
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', productionDir],
      { cwd: root },
    );
  });
  afterAll(async () => {
    await rm(productionDir, { recursive: true, force: true });
  });

  it.each(['production', 'development'])('the %s build ships nothing secret-looking', async (build) => {
    const dir = build === 'production' ? productionDir : join(root, 'dist/chrome-dev');
    const files = await filesUnder(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(file, 'latin1');
      for (const [what, pattern] of SECRET_PATTERNS) {
        expect(pattern.test(text), `${what} in ${file}`).toBe(false);
      }
      // The `stripe` package is the server's: never in the extension.
      expect(text.includes('api.stripe.com'), `stripe package in ${file}`).toBe(false);
    }
  });

  it('test seams and benchmark marks are in the development build only', async () => {
    const hooks = ['health-check-now', 'testClientTimeoutMs', 'wc:integrations-complete', 'wc:state-loaded'];
    const found = async (dir: string) => {
      const texts = await Promise.all((await filesUnder(dir)).filter((f) => f.endsWith('.js')).map((f) => readFile(f, 'utf8')));
      return hooks.filter((hook) => texts.some((text) => text.includes(hook)));
    };
    expect(await found(join(root, 'dist/chrome-dev'))).toEqual(hooks);
    expect(await found(productionDir)).toEqual([]);
  });

  it('the production manifest asks for the least it needs, and has no development key', async () => {
    const manifest = JSON.parse(await readFile(join(productionDir, 'manifest.json'), 'utf8'));
    expect(manifest.key).toBeUndefined();
    expect(manifest.host_permissions).toBeUndefined();
    expect([...manifest.permissions].sort()).toEqual(['alarms', 'identity', 'notifications', 'storage']);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(manifest.content_scripts).toBeUndefined();
  });

  it('after a connection: no Stripe credential in the extension, and the workspace token never reached Stripe', async () => {
    const world = await startWorld();
    try {
      await configureWorkspace(world);
      const popup = await connectFromPopup(world);
      const stored = JSON.stringify(await extensionStorage(popup));
      for (const [what, pattern] of SECRET_PATTERNS.filter(([what]) => what !== 'workspace API token')) {
        expect(pattern.test(stored), `${what} in extension storage`).toBe(false);
      }
      expect(stored).not.toMatch(/\bac_[0-9A-Za-z]{8,}/); // the used code is not kept either
      const toStripe = world.server.emulator!.requests;
      expect(toStripe.length).toBeGreaterThan(0);
      for (const request of toStripe) {
        expect(`${request.authorization ?? ''} ${request.query}`).not.toContain(DEMO_ADMIN_TOKEN);
      }
    } finally {
      await world.close();
    }
  });

  it('the token can be kept for this browser session only', async () => {
    const world = await startWorld();
    try {
      const options = await configureWorkspace(world);
      await options.locator('label.checkbox input').click();
      // Saved again with the token (Enter in its field: Save and check).
      await options.locator('#api-token').click();
      await options.keyboard.press('Enter');
      await expect
        .poll(async () => (await extensionState(options)).settings, { timeout: 15_000, interval: 100 })
        .toMatchObject({ token: '', keepSignedIn: false });
      const session = await options.evaluate(() => chrome.storage.session.get(null));
      expect(session[`sessionToken@${world.server.url}/`]).toBe(DEMO_ADMIN_TOKEN);
      // It still works for this session.
      const popup = await connectFromPopup(world);
      expect(await popup.$eval('main', (m) => m.innerText)).toContain('Successful connection');
    } finally {
      await world.close();
    }
  });
});
