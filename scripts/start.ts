/**
 * `npm start`: the product on its embedded default. Builds the development extension, starts the
 * reference workspace with its Stripe Connect emulator, and opens Chromium with the extension
 * loaded on its settings page, or, where there is no display, says how to load it by hand.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { optionsFromEnv } from '../server/dev/config';
import { startReferenceServer } from '../server/dev/reference-server';
import { DEMO_ADMIN_TOKEN, DEMO_PASSWORD } from '../server/src/model';
// @ts-expect-error plain ESM script without types
import { ensureBrowser } from './browsers.mjs';
import { launchChromiumWithExtension } from './launch-chromium';

const root = resolve(import.meta.dirname, '..');
const extensionDir = resolve(root, 'dist/chrome-dev');
const env = process.env;

console.log('Building the extension (development build: pinned id, loopback workspace allowed)…');
execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'development', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});

const server = await startReferenceServer({
  ...optionsFromEnv(env, root),
  // The demo: "Breaking things on purpose" in the README works against it.
  testControls: true,
});
const admin = server.users.find((u) => u.role === 'admin')!;
const standard = server.users.find((u) => u.role !== 'admin');
// Demo users have a password for the workspace's sign-in page; users given tokens of their own do not.
const signIn =
  admin.token === DEMO_ADMIN_TOKEN ? `ana@acme.test / ${DEMO_PASSWORD}   (non-admin: sam@acme.test / ${DEMO_PASSWORD})` : 'API tokens only';
const howToSignIn =
  admin.token === DEMO_ADMIN_TOKEN
    ? `choose Sign in, and sign in on the workspace's page as ana@acme.test / ${DEMO_PASSWORD}`
    : `open "Use an API token instead", paste the admin token ${admin.token} and choose Save and check`;

console.log(`
Reference workspace  ${server.url}
Stripe emulator      ${server.emulator?.url ?? '(real Stripe)'}
Workspace sign-in    ${signIn}
Admin API token      ${admin.token}   (${admin.name}${server.firstStart ? '' : '; as set on first start'})
Non-admin API token  ${standard?.token ?? '-'}
Stripe sign-in       owner@acme.test / stripe-demo   (or owner@globex.test / stripe-demo)
`);

const settingsPath = `src/options/index.html?workspaceUrl=${encodeURIComponent(server.url)}`;
const hasDisplay = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) && !env.CI && !process.argv.includes('--no-browser');
if (hasDisplay) {
  const chromium = await launchChromiumWithExtension({
    executablePath: ensureBrowser('chromium') as string,
    extensionDir,
    headless: false,
    userDataDir: resolve(root, '.data/chromium-profile'),
  });
  // One tab: the settings page the extension opens on install, with the URL filled in, in front;
  // the blank tab the browser starts with goes.
  const settings = await chromium.browser
    .waitForTarget((t) => t.url().startsWith(chromium.extensionUrl('src/options/')), { timeout: 5000 })
    .then((t) => t.asPage())
    .catch(() => chromium.browser.newPage());
  await settings.goto(chromium.extensionUrl(settingsPath));
  await settings.bringToFront();
  for (const page of await chromium.browser.pages()) if (page !== settings) await page.close().catch(() => undefined);
  console.log(`Chromium is open on the extension’s settings, with ${server.url} filled in:
  1. ${howToSignIn[0]!.toUpperCase()}${howToSignIn.slice(1)}.
  2. Pin Workspace Connect to the toolbar: the puzzle-piece menu next to the address bar → the pin.
  3. Click its toolbar button → Connect with Stripe, and sign in on the emulator's page.`);
  chromium.browser.on('disconnected', () => void server.close().then(() => process.exit(0)));
} else {
  console.log(`No display here, so no browser was opened. To try it in your own Chromium or Chrome:
  1. Open chrome://extensions, turn on Developer mode, click "Load unpacked" and choose
     ${extensionDir}
  2. The extension's settings open by themselves (or chrome-extension://bphafeaaifjipcafibonkolcgimildpk/${settingsPath}):
     enter ${server.url}, then ${howToSignIn}.
  3. Pin Workspace Connect to the toolbar (the puzzle-piece menu → the pin), click its button →
     Connect with Stripe, and sign in on the emulator's page.
The workspace keeps running until you press Ctrl+C.`);
}

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
