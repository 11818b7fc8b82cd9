/**
 * `npm run zip`: the store packages, versioned from package.json —
 *   dist/workspace-connect-<version>-chrome.zip   (Chrome Web Store: production build, no `key`)
 *   dist/workspace-connect-<version>-firefox.zip  (addons.mozilla.org)
 *   dist/workspace-connect-<version>-source.zip   (the source addons.mozilla.org asks for, as committed)
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ZipFile } from 'yazl';

const root = resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const vite = join(root, 'node_modules/vite/bin/vite.js');

function zipDirectory(dir: string, file: string): Promise<void> {
  const zip = new ZipFile();
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(entry.parentPath, entry.name);
    // Fixed dates: the same build gives the same archive.
    zip.addFile(path, relative(dir, path), { mtime: new Date('2026-01-01T00:00:00Z') });
  }
  zip.end();
  return new Promise((done, fail) => {
    zip.outputStream
      .pipe(createWriteStream(file))
      .on('close', () => done())
      .on('error', fail);
  });
}

const outputs: string[] = [];
for (const target of ['chrome', 'firefox'] as const) {
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WC_BROWSER: target },
  });
  const file = join(root, 'dist', `workspace-connect-${version}-${target}.zip`);
  await zipDirectory(join(root, 'dist', target), file);
  outputs.push(file);
}
const source = join(root, 'dist', `workspace-connect-${version}-source.zip`);
execFileSync('git', ['archive', '--format=zip', `--prefix=workspace-connect-${version}/`, '-o', source, 'HEAD'], { cwd: root });
outputs.push(source);
for (const file of outputs) console.log(relative(root, file));
