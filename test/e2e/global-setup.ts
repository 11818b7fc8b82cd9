/** Before any end-to-end test: a browser (found or installed) and a fresh development build. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { ensureBrowser, ensureFirefoxLanguagePack } from '../../scripts/browsers.mjs';

const dist = resolve(import.meta.dirname, '../../dist');

export default function setup(project: TestProject) {
  project.provide('chromiumPath', ensureBrowser('chromium') as string);
  project.provide('firefoxPath', ensureBrowser('firefox') as string);
  // The Spanish run in Firefox needs Debian's language pack; the test says so if it is missing.
  project.provide('firefoxSpanish', ensureFirefoxLanguagePack('es') as boolean);
  for (const target of ['chrome', 'firefox']) {
    execFileSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--mode', 'development', '--logLevel', 'warn'], {
      stdio: 'inherit',
      env: { ...process.env, WC_BROWSER: target },
    });
  }
  project.provide('extensionDir', resolve(dist, 'chrome-dev'));
  project.provide('firefoxExtensionDir', resolve(dist, 'firefox-dev'));
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
    firefoxPath: string;
    firefoxSpanish: boolean;
    extensionDir: string;
    firefoxExtensionDir: string;
  }
}
