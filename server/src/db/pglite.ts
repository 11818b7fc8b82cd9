/**
 * The embedded default: PGlite, PostgreSQL compiled to WASM, in a data folder. Nothing to install;
 * one process owns the folder. PGlite runs one statement at a time, and a transaction holds it.
 */
import { PGlite } from '@electric-sql/pglite';
import { DatabaseUnavailableError, type Database, type Queryable } from './database';

/** PGlite in `dataDir`, or in memory (null), optionally starting from a dumped cluster. */
export async function openPglite(dataDir: string | null, from?: Blob | File): Promise<Database> {
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(from ? { loadDataDir: from } : {}) });
  // A request still running while the server shuts down meets a closed database: that is
  // "unavailable" (503), not a bug.
  const unavailable = (error: unknown) => (db.closed ? new DatabaseUnavailableError(error) : error);
  const query = async <Row>(on: Pick<PGlite, 'query'>, sql: string, params: readonly unknown[] = []) => {
    try {
      return (await on.query<Row>(sql, [...params])).rows;
    } catch (error) {
      throw unavailable(error);
    }
  };
  return {
    driver: 'pglite',
    query: (sql, params) => query(db, sql, params),
    async transaction(work) {
      try {
        return await db.transaction((tx) => work({ query: (sql, params) => query(tx, sql, params) } satisfies Queryable));
      } catch (error) {
        throw unavailable(error);
      }
    },
    close: () => db.close(),
  };
}
