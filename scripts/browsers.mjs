#!/usr/bin/env node
/**
 * Finds the browsers the end-to-end tests and `npm start` drive, and installs Debian's packages
 * where they are missing and we are allowed to (root with apt-get: a fresh machine and CI).
 * Usage: node scripts/browsers.mjs [chromium] [firefox]   → prints {"chromium": "/usr/bin/chromium", …}
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const BROWSERS = {
  chromium: { env: 'CHROMIUM_PATH', candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], apt: 'chromium' },
  firefox: { env: 'FIREFOX_PATH', candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox'], apt: 'firefox-esr' },
};

function find(name) {
  const spec = BROWSERS[name];
  const fromEnv = process.env[spec.env];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${spec.env}=${fromEnv} does not exist`);
    return fromEnv;
  }
  return spec.candidates.find((path) => existsSync(path)) ?? null;
}

let aptUpdated = false;
export function aptInstall(pkg) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const log = { stdio: ['ignore', 'ignore', 'inherit'], env };
  process.stderr.write(`Installing Debian package ${pkg}…\n`);
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-qq'], log);
    aptUpdated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], log);
  return true;
}

/** The browser's executable path, installing it first when possible. */
export function ensureBrowser(name) {
  const found = find(name);
  if (found) return found;
  const spec = BROWSERS[name];
  if (aptInstall(spec.apt)) {
    const installed = find(name);
    if (installed) return installed;
  }
  throw new Error(`${name} not found. Install it (Debian: sudo apt-get install ${spec.apt}) or set ${spec.env} to its executable.`);
}

/** Debian's language pack for Firefox: with it, `intl.locale.requested` turns the browser (and the extension) to that language. */
const FIREFOX_LANGUAGE_PACKS = { es: 'firefox-esr-l10n-es-es' };

/** Installs the language pack when missing, where allowed; true when Firefox can speak `lang`. */
export function ensureFirefoxLanguagePack(lang) {
  const pkg = FIREFOX_LANGUAGE_PACKS[lang];
  if (!pkg) return false;
  const installed = () =>
    spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed');
  if (installed()) return true;
  try {
    aptInstall(pkg);
  } catch (error) {
    process.stderr.write(`Could not install ${pkg}: ${error.message}\n`);
  }
  return installed();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['chromium'];
  const paths = Object.fromEntries(names.map((name) => [name, ensureBrowser(name)]));
  console.log(JSON.stringify(paths));
}
