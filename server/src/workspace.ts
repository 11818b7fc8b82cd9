/**
 * Opens a workspace's storage: PostgreSQL through `pg` when a database URL is given, else PGlite
 * in the data folder; the schema migrated; the key that seals Stripe credentials.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { createSealer, keyInDataDir, parseKey, type Sealer } from './secrets';

export interface StorageOptions {
  /** A PostgreSQL server (`postgres://…`); without it, PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** The embedded default's folder: its database and, unless a key is given, its encryption key. */
  dataDir: string;
  /** 32 bytes, hex or base64 (WORKSPACE_ENCRYPTION_KEY). Required with a database URL. */
  encryptionKey?: string | undefined;
  /** A database opened elsewhere (tests: PGlite in memory); migrated and owned from here on. */
  database?: Database;
}

export interface WorkspaceStorage {
  db: Database;
  sealer: Sealer;
}

export async function openStorage(options: StorageOptions): Promise<WorkspaceStorage> {
  let key: Buffer;
  if (options.encryptionKey) key = parseKey(options.encryptionKey);
  else if (options.databaseUrl) {
    // The data folder is not shared between instances; a key in it would differ per instance.
    throw new Error('WORKSPACE_ENCRYPTION_KEY is required with DATABASE_URL (32 bytes, hex or base64: `openssl rand -base64 32`)');
  } else {
    await mkdir(options.dataDir, { recursive: true });
    key = await keyInDataDir(options.dataDir);
  }
  const sealer = createSealer(key);
  const db = options.database ?? (options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(pgliteDir(options.dataDir)));
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, sealer };
}

/** Where the embedded database lives inside the data folder. */
export const pgliteDir = (dataDir: string): string => join(dataDir, 'pgdata');
