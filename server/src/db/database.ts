/**
 * The one data-layer seam: a PostgreSQL that answers SQL, whichever driver is behind it. PGlite
 * (WASM PostgreSQL in this process) is the embedded default; a PostgreSQL server through `pg` when
 * `DATABASE_URL` is set. Queries are plain parameterized SQL so both answer the same.
 */
export interface Queryable {
  /** Rows of one statement, parameters as `$1…$n`. */
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  /** Runs `work` in one transaction (READ COMMITTED), committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The database cannot be reached right now (stopped, restarting, network): the API answers 503. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
  }
}

/** SQLSTATE classes and socket errors that mean "not reachable" rather than "this query is wrong". */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
    code.startsWith('08') || // connection exception
    code.startsWith('57P') // admin shutdown, crash shutdown, cannot connect now
  );
}

/** A PostgreSQL unique violation (two writers raced for the same row). */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';
