/**
 * Deployment by policy (issue #17, the managed half): IT sets the extension up through the
 * browser's own policy files, as an organization's device management writes them. Chromium reads
 * `/etc/chromium/policies/managed/*.json` (`3rdparty` → `extensions` → the extension id); Firefox
 * reads `distribution/policies.json` beside its binary (`3rdparty` → `Extensions` → the add-on id).
 * Both are machine-wide, so the test writes them as root just before the browser starts and
 * removes them after. The extension starts on the preset workspace, signed out, with the URL,
 * API tokens and the health-check interval locked; signing in works; adding another workspace is
 * not offered.
 */
import { realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEVELOPMENT_EXTENSION_ID, GECKO_ID } from '../../scripts/extension-ids';
import { freePort } from '../../scripts/processes';
import {
  alarmPeriod,
  BROWSERS,
  openOptions,
  openPopup,
  signInOnWorkspace,
  startWorld,
  waitForSignInWindow,
  waitForText,
  type BrowserName,
  type World,
} from './support';

const CHROMIUM_POLICY = '/etc/chromium/policies/managed/workspace-connect-test.json';
const firefoxPolicy = () => join(dirname(realpathSync(inject('firefoxPath'))), 'distribution/policies.json');

/** Writes the organization's policy for the extension where the browser reads it; returns how to remove it. */
async function writePolicy(browserName: BrowserName, values: Record<string, unknown>): Promise<() => Promise<void>> {
  const [file, content] =
    browserName === 'chromium'
      ? [CHROMIUM_POLICY, { '3rdparty': { extensions: { [DEVELOPMENT_EXTENSION_ID]: values } } }]
      : [firefoxPolicy(), { policies: { '3rdparty': { Extensions: { [GECKO_ID]: values } } } }];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(content));
  return () => rm(file, { force: true });
}

const asRoot = process.getuid?.() === 0;

describe.each(BROWSERS)('deployment by policy (%s)', (browserName) => {
  let world: World | undefined;
  let removePolicy: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await world?.close();
    await removePolicy?.();
    world = undefined;
    removePolicy = undefined;
  });

  // The browsers' policy folders belong to root; CI runs as root.
  it.skipIf(!asRoot)('starts signed out on the preset workspace, locked as IT set it; signing in works', async () => {
    const port = await freePort();
    const workspaceUrl = `http://127.0.0.1:${port}/`;
    removePolicy = await writePolicy(browserName, {
      workspaces: [{ url: workspaceUrl, name: 'Acme Analytics' }],
      allowOtherWorkspaces: false,
      allowApiTokens: false,
      healthCheckMinutes: 30,
      notifications: false,
    });
    world = await startWorld({ browser: browserName, server: { port } });

    const options = await openOptions(world);
    const page = await waitForText(options, 'Some settings are managed by your organization.');
    // The preset workspace, not editable; no API token; the interval the policy sets, locked.
    expect(
      await options.$eval('#workspace-url', (input) => ({
        value: (input as HTMLInputElement).value,
        readOnly: (input as HTMLInputElement).readOnly,
        note: document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent,
      })),
    ).toEqual({ value: workspaceUrl, readOnly: true, note: 'Set by your organization.' });
    expect(page).not.toContain('Use an API token instead');
    expect(
      await options.$eval('#health-minutes', (input) => [(input as HTMLInputElement).value, (input as HTMLInputElement).disabled]),
    ).toEqual(['30', true]);
    await expect.poll(() => alarmPeriod(world!), { timeout: 5000 }).toBe(30);
    // The worker holds to it too, whatever a page sends.
    const refused = await options.evaluate(() =>
      ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).runtime.sendMessage({
        type: 'save-settings',
        workspaceUrl: 'http://localhost:1/',
        token: 'wc_demo_admin_token',
      }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'managed' } });

    // Signed out on the preset: the popup sends the admin to sign in.
    const popup = await openPopup(world);
    await waitForText(popup, 'Sign in to your workspace in the settings first.');

    const window = waitForSignInWindow(world);
    await options.bringToFront();
    await options.locator('button ::-p-text(Sign in)').click();
    await signInOnWorkspace(world, await window);
    const status = await waitForText(options, 'Signed in as Ana García to Acme Analytics', '[data-testid=profile-status]');
    expect(status).toContain('Signed in with your workspace account.');
    // "May add others" is off: adding a workspace is not offered, and the worker refuses one.
    expect(await options.$('#add-workspace')).toBeNull();
    const another = await options.evaluate(() =>
      ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).runtime.sendMessage({
        type: 'sign-in',
        workspaceUrl: 'http://localhost:1/',
      }),
    );
    expect(another).toMatchObject({ ok: false, error: { code: 'managed' } });
  });
});
