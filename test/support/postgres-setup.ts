/**
 * Global setup of the `server-postgres` project: the server suite again, on a real PostgreSQL 15
 * that this setup starts (scripts/postgres.ts) and removes afterwards.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/postgres';

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.destroy();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server's `postgres` database; empty in the PGlite project. */
    postgresUrl: string;
  }
}
