/** Workspaces, their users and API tokens; the per-workspace version behind the list's ETag. */
import type { Database, Queryable } from '../db/database';
import type { Caller, NewUser, Role } from '../model';
import { hashPassword, hashToken, sameHash, verifyPassword } from '../secrets';

export interface NewWorkspace {
  id: string;
  name: string;
  users: NewUser[];
}

export async function createWorkspace(db: Database, workspace: NewWorkspace): Promise<void> {
  if (!(await ensureWorkspace(db, workspace))) throw new Error(`workspace ${workspace.id} exists`);
}

/**
 * Creates the workspace unless one with its id exists (a first start); answers whether it did.
 * Instances starting together on one database race here: the primary key picks one.
 */
export async function ensureWorkspace(db: Database, workspace: NewWorkspace): Promise<boolean> {
  return db.transaction((tx) => insertWorkspace(tx, workspace));
}

/** `ensureWorkspace` inside the caller's transaction. */
export async function insertWorkspace(tx: Queryable, workspace: NewWorkspace): Promise<boolean> {
  const created = await tx.query('INSERT INTO workspaces (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [
    workspace.id,
    workspace.name,
  ]);
  if (created.length === 0) return false;
  for (const user of workspace.users) {
    await tx.query('INSERT INTO users (id, workspace_id, name, email, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)', [
      user.id,
      workspace.id,
      user.name,
      user.email,
      user.role,
      user.password === undefined ? null : await hashPassword(user.password),
    ]);
    await tx.query('INSERT INTO api_tokens (token_hash, user_id) VALUES ($1, $2)', [hashToken(user.token), user.id]);
  }
  return true;
}

interface CallerRow {
  token_hash: Uint8Array;
  user_id: string;
  name: string;
  email: string;
  role: Role;
  workspace_id: string;
  workspace_name: string;
}

/**
 * A user who signs in on the workspace's page with this email and password, or null. An email may
 * be in several workspaces: the password says which user it is.
 */
export async function userBySignIn(db: Queryable, email: string, password: string): Promise<{ id: string } | null> {
  const rows = await db.query<{ id: string; password_hash: string | null }>(
    'SELECT id, password_hash FROM users WHERE lower(email) = lower($1) ORDER BY id',
    [email.trim()],
  );
  for (const row of rows) if (await verifyPassword(password, row.password_hash)) return { id: row.id };
  return null;
}

const CALLER_COLUMNS = 'u.id AS user_id, u.name, u.email, u.role, w.id AS workspace_id, w.name AS workspace_name';

const callerOf = (row: Omit<CallerRow, 'token_hash'>, tokenKey: string): Caller => ({
  userId: row.user_id,
  name: row.name,
  email: row.email,
  role: row.role,
  workspaceId: row.workspace_id,
  workspaceName: row.workspace_name,
  tokenKey,
});

/** The caller a signed-in user is (an OAuth access token names the user, not a token row). */
export async function callerOfUser(db: Queryable, userId: string, tokenKey: string): Promise<Caller | null> {
  const [row] = await db.query<Omit<CallerRow, 'token_hash'>>(
    `SELECT ${CALLER_COLUMNS} FROM users u JOIN workspaces w ON w.id = u.workspace_id WHERE u.id = $1`,
    [userId],
  );
  return row ? callerOf(row, tokenKey) : null;
}

/** The caller a bearer token belongs to, or null. Looked up by the token's hash, never the token. */
export async function findCaller(db: Queryable, token: string): Promise<Caller | null> {
  const hash = hashToken(token);
  const [row] = await db.query<CallerRow>(
    `SELECT t.token_hash, ${CALLER_COLUMNS}
       FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN workspaces w ON w.id = u.workspace_id
      WHERE t.token_hash = $1`,
    [hash],
  );
  if (!row || !sameHash(row.token_hash, hash)) return null;
  return callerOf(row, hash.toString('base64url'));
}

export async function workspaceVersion(db: Queryable, workspaceId: string): Promise<string> {
  const [row] = await db.query<{ version: string }>('SELECT version::text AS version FROM workspaces WHERE id = $1', [workspaceId]);
  return row?.version ?? '0';
}

/** Marks the integration lists of these workspaces as changed (their ETags move on). */
export async function touchWorkspaces(tx: Queryable, workspaceIds: readonly string[]): Promise<void> {
  if (workspaceIds.length === 0) return;
  await tx.query('UPDATE workspaces SET version = version + 1 WHERE id = ANY($1::text[])', [[...new Set(workspaceIds)]]);
}

export async function listUsers(db: Queryable, workspaceId: string): Promise<Array<{ id: string; name: string; role: Role }>> {
  return db.query('SELECT id, name, role FROM users WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
}
