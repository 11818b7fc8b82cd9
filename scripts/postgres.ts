/**
 * A throwaway PostgreSQL server for the tests and the benchmark: Debian's `postgresql` (installed
 * when missing, where allowed), `initdb` + `pg_ctl` into a temporary folder on a free port,
 * trust authentication on loopback only. PostgreSQL refuses to run as root, and CI runs as root:
 * then the cluster belongs to the `postgres` user the package creates, and its tools run as it.
 *
 * `node --import tsx scripts/postgres.ts` starts one and prints its DATABASE_URL until Ctrl+C.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './processes';
// @ts-expect-error plain ESM script without types
import { aptInstall } from './browsers.mjs';

export interface PostgresServer {
  /** The `postgres` database, for creating others. */
  url: string;
  /** A new, empty database on this server. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown), keeping its data; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

function binaries(): string {
  const find = () => {
    if (!existsSync(PG_ROOT)) return null;
    const versions = readdirSync(PG_ROOT)
      .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(PG_ROOT, versions[0], 'bin') : null;
  };
  const found = find() ?? ((aptInstall as (pkg: string) => boolean)('postgresql') ? find() : null);
  if (!found) throw new Error('PostgreSQL not found. Install it (Debian: sudo apt-get install postgresql).');
  return found;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binaries();
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), 'wc-postgres-'));
  if (asRoot) {
    const owner = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const group = Number(execFileSync('id', ['-g', 'postgres']).toString());
    await chown(dir, owner, group);
    await chmod(dir, 0o700);
  }
  /** Runs a PostgreSQL tool, as `postgres` when we are root. */
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : execFileSync(join(bin, tool), args, { stdio: ['ignore', 'ignore', 'pipe'] });

  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = async () => void run('pg_ctl', ['-D', join(dir, 'data'), '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  const stop = async () => void run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
  await start();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    createDatabase: () => createDatabase(url),
    stop,
    start,
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let databases = 0;

/** A new, empty database on the server `url` points at (its `postgres` database); answers its URL. */
export async function createDatabase(url: string): Promise<string> {
  const name = `wc_${process.pid}_${Date.now().toString(36)}_${databases++}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const created = new URL(url);
  created.pathname = `/${name}`;
  return created.toString();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startPostgres();
  console.log(`DATABASE_URL=${server.url}`);
  const end = () => void server.destroy().then(() => process.exit(0));
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
}
