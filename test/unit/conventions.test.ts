/**
 * The project's own conventions, checked: every error code is documented and worded, every
 * environment variable the README promises is read by some code, and the production server's
 * module graph holds neither the Stripe emulator nor the test controls.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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
    // Code that reads the environment (`process.env`, or an `env` handed to a config reader), and the names it mentions.
    const readers = ['server/src', 'server/dev', 'scripts', 'test/e2e', 'bench']
      .flatMap(sourcesUnder)
      .filter((source) => /\bprocess\.env\b|\benv: NodeJS\.ProcessEnv\b/.test(source));
    const unread = [...named].filter((name) => !readers.some((source) => new RegExp(`\\b${name}\\b`).test(source)));
    expect(unread).toEqual([]);
  });

  it('the production server (server/src) imports nothing from server/dev: no emulator, no test controls, no fault injection', () => {
    const graph = moduleGraph(['server/src/index.ts', 'server/src/main.ts']);
    expect(graph.length).toBeGreaterThan(15);
    // Only the server's own modules, the one result shape it shares with the extension, and the
    // extension's fixed identities (its sign-in redirect URLs).
    expect(graph.filter((file) => !file.startsWith('server/src/')).sort()).toEqual(['scripts/extension-ids.ts', 'src/shared/result.ts']);
    // …and the reference setup does mount them, so this is not checking an empty corner.
    expect(moduleGraph(['server/dev/main.ts'])).toEqual(
      expect.arrayContaining(['server/dev/stripe-emulator.ts', 'server/dev/test-controls.ts']),
    );
  });
});

/** Every project file reachable by relative imports (static and dynamic) from the entry points. */
function moduleGraph(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of read(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(file), specifier!);
      const target = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
        (candidate) => existsSync(join(root, candidate)) && /\.tsx?$/.test(candidate),
      );
      if (target) visit(relative(root, join(root, target)));
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}
