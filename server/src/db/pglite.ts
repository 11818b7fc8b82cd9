/**
 * The embedded default: PGlite, PostgreSQL compiled to WASM, in a data folder. Nothing to install;
 * one process owns the folder. PGlite runs one statement at a time, and a transaction holds it.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

/** PGlite in `dataDir`, or in memory (null), optionally starting from a dumped cluster. */
export async function openPglite(dataDir: string | null, from?: Blob | File): Promise<Database> {
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(from ? { loadDataDir: from } : {}) });
  const query = async <Row>(on: Pick<PGlite, 'query'>, sql: string, params: readonly unknown[] = []) =>
    (await on.query<Row>(sql, [...params])).rows;
  return {
    driver: 'pglite',
    query: (sql, params) => query(db, sql, params),
    transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => query(tx, sql, params) } satisfies Queryable)),
    close: () => db.close(),
  };
}
