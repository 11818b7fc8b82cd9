/**
 * The project's own conventions, checked: every error code is documented and worded, and every
 * environment variable the README promises is read by some code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../src/shared/error-codes';
import { errorMessageKey } from '../../src/shared/errors';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs|js)$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('conventions', () => {
  it('every error code has a row in docs/RELIABILITY.md and a message in every language', () => {
    const reliability = read('docs/RELIABILITY.md');
    const rows = new Set([...reliability.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
    expect(APP_ERROR_CODES.filter((code) => !rows.has(code))).toEqual([]);
    expect([...rows].filter((code) => !(APP_ERROR_CODES as readonly string[]).includes(code!))).toEqual([]);
    for (const lang of ['en', 'es']) {
      const messages = JSON.parse(read(`public/_locales/${lang}/messages.json`)) as Record<string, unknown>;
      expect(
        APP_ERROR_CODES.filter((code) => !(errorMessageKey(code) in messages)),
        lang,
      ).toEqual([]);
    }
  });

  it('every environment variable the README names is read somewhere', () => {
    const readme = read('README.md');
    const named = new Set(
      [...readme.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|HOST)`|\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)=/g)].map((m) => (m[1] ?? m[2])!),
    );
    expect(named.size).toBeGreaterThan(10);
    // Code that reads the environment, and the names it mentions.
    const readers = ['server/src', 'server/dev', 'scripts', 'test/e2e', 'bench']
      .flatMap(sourcesUnder)
      .filter((source) => source.includes('process.env'));
    const unread = [...named].filter((name) => !readers.some((source) => new RegExp(`\\b${name}\\b`).test(source)));
    expect(unread).toEqual([]);
  });
});
