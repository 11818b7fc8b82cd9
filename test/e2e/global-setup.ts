/** Before any end-to-end test: a browser (found or installed) and a fresh development build. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { ensureBrowser } from '../../scripts/browsers.mjs';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../dist/chrome-dev');

export default function setup(project: TestProject) {
  project.provide('chromiumPath', ensureBrowser('chromium') as string);
  execFileSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--mode', 'development', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  project.provide('extensionDir', EXTENSION_DIR);
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
    extensionDir: string;
  }
}
