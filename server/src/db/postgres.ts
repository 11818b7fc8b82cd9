/**
 * A PostgreSQL server through `pg`'s pool (`DATABASE_URL`). Several workspace processes may share
 * one database: everything that must happen once is guarded by its constraints and row locks.
 */
import pg from 'pg';
import { DatabaseUnavailableError, isUnavailable, type Database, type Queryable } from './database';

export function openPostgres(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle connection the server dropped (a restart, say) must not take the process down; the
  // next query opens a fresh one.
  pool.on('error', () => undefined);
  const unavailable = (error: unknown) => (isUnavailable(error) ? new DatabaseUnavailableError(error) : error);
  const query = async <Row>(on: Pick<pg.Pool, 'query'>, sql: string, params: readonly unknown[] = []): Promise<Row[]> => {
    try {
      return (await on.query<Row & pg.QueryResultRow>(sql, [...params])).rows;
    } catch (error) {
      throw unavailable(error);
    }
  };
  return {
    driver: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw unavailable(error);
      });
      let broken = false;
      try {
        await query(client, 'BEGIN');
        const result = await work({ query: (sql, params) => query(client, sql, params) } satisfies Queryable);
        await query(client, 'COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        // A connection that could not even roll back is not given to the next request.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
