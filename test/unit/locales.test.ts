/**
 * Every string the user sees comes from `_locales`: English and Spanish have the same keys, every
 * key the code asks for exists, and no key sits unused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../src/shared/error-codes';
import { errorMessageKey } from '../../src/shared/errors';
import { KNOWN_ROLES, KNOWN_STATUSES } from '../../src/shared/attention';

const root = resolve(import.meta.dirname, '../..');
type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const locale = (lang: string) => JSON.parse(readFileSync(join(root, 'public/_locales', lang, 'messages.json'), 'utf8')) as Messages;
const en = locale('en');
const es = locale('es');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(tsx?|html)$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}
const code = [...sources(join(root, 'src')), readFileSync(join(root, 'manifest.json'), 'utf8')].join('\n');

/** Keys the code names literally, and the families it builds from typed values. */
const literal = new Set([...code.matchAll(/['"`]([a-zA-Z][\w]*)['"`]|__MSG_(\w+)__/g)].map((m) => m[1] ?? m[2]!));
const built = new Set([
  ...APP_ERROR_CODES.map(errorMessageKey),
  'error_rate_limited_retry',
  ...KNOWN_STATUSES.map((s) => `status_${s}`),
  ...KNOWN_ROLES.filter((r) => r !== 'admin').map((r) => `role_${r.replace('-', '_')}`),
  // plural('key', n) asks for `keyOne` when n is 1.
  ...[...code.matchAll(/\bplural\(\s*'(\w+)'/g)].map((m) => `${m[1]}One`),
]);
const used = (key: string) => literal.has(key) || built.has(key);

describe('locales', () => {
  it('English and Spanish have the same keys and placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(en)) {
      expect(Object.keys(es[key]!.placeholders ?? {}), key).toEqual(Object.keys(value.placeholders ?? {}));
      expect(es[key]!.message.trim(), key).not.toBe('');
    }
  });

  it('Spanish is translated, not copied', () => {
    const same = Object.keys(en).filter((k) => en[k]!.message === es[k]!.message && !/^(extName|extShortName|popupTitle)$/.test(k));
    expect(same).toEqual([]);
  });

  it('every key is used by the code', () => {
    expect(Object.keys(en).filter((key) => !used(key))).toEqual([]);
  });

  it('every key the code asks for exists', () => {
    const asked = [
      ...code.matchAll(/\b(?:t|plural)\(\s*'([\w]+)'/g),
      ...code.matchAll(/getMessage\(\s*'([\w]+)'/g),
      ...code.matchAll(/__MSG_(\w+)__/g),
    ]
      .map((m) => m[1]!)
      .filter((key) => !key.startsWith('@@'));
    expect(asked.length).toBeGreaterThan(30);
    expect(asked.filter((key) => !(key in en))).toEqual([]);
    expect([...built].filter((key) => !(key in en))).toEqual([]);
  });
});
