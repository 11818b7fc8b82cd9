/**
 * A fresh PGlite cluster for each test server, fast: `initdb` in WASM takes about 3 s, so it runs
 * once per machine into a dumped template that each test database starts from, in memory (as
 * PostgreSQL's own template databases do). The server still migrates it itself.
 */
import { PGlite } from '@electric-sql/pglite';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../server/src/db/database';
import { openPglite } from '../../server/src/db/pglite';

// The package's exports hide its package.json; its version names the template (a new PGlite, a new cluster).
const { version } = JSON.parse(
  await readFile(join(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8'),
) as {
  version: string;
};
const TEMPLATE = join(tmpdir(), `wc-pglite-template-${version}.tar`);

let cached: Promise<Blob> | null = null;

async function buildTemplate(): Promise<Blob> {
  const existing = await readFile(TEMPLATE).catch(() => null);
  if (existing) return new Blob([existing]);
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  // Written whole, then renamed: a worker never reads half a template.
  const partial = `${TEMPLATE}.${process.pid}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, TEMPLATE);
  return dump;
}

/** An empty PostgreSQL (PGlite, in memory) for one test server. */
export async function testDatabase(): Promise<Database> {
  cached ??= buildTemplate();
  return openPglite(null, await cached);
}
