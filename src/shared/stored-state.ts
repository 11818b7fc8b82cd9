/**
 * The stored state's contract, for the service worker (it brings valibot, so the pages do not load
 * it): the version it is written in, the schema every read goes through, the migrations from
 * older versions, and how long each key lives.
 */
import * as v from 'valibot';
import { APP_ERROR_CODES } from './error-codes';
import type { AppError } from './errors';
import { IntegrationSchema, MeSchema } from './schemas';
import {
  MAX_HEALTH_CHECK_MINUTES,
  MIN_HEALTH_CHECK_MINUTES,
  GLOBAL_KEYS,
  splitWorkspaceKey,
  stateFromStorage,
  workspaceKey,
  WORKSPACE_KEYS,
  type FlowState,
  type GlobalState,
  type HealthState,
  type OperationState,
  type PendingCompletion,
  type ProfileState,
  type Policy,
  type Settings,
  type SignInState,
  type StoredState,
  type WorkspaceState,
} from './state';

/** The version this release writes. Bump it with a migration below whenever a stored shape changes. */
export const SCHEMA_VERSION = 3;

/** A schema whose output must fit the hand-written type: the two cannot drift apart unnoticed. */
const shaped =
  <T>() =>
  <S extends v.GenericSchema<unknown, T>>(schema: S): S =>
    schema;

const AppErrorSchema = shaped<AppError>()(
  v.object({
    code: v.picklist(APP_ERROR_CODES),
    detail: v.exactOptional(v.string()),
    retryAfterSeconds: v.exactOptional(v.number()),
  }),
);

const IntervalSchema = v.pipe(v.number(), v.integer(), v.minValue(MIN_HEALTH_CHECK_MINUTES), v.maxValue(MAX_HEALTH_CHECK_MINUTES));

const SettingsSchema = shaped<Settings>()(
  v.object({
    workspaceUrl: v.string(),
    token: v.string(),
    credential: v.exactOptional(v.picklist(['sign-in', 'api-token'])),
    name: v.exactOptional(v.string()),
    addedAt: v.exactOptional(v.number()),
    keepSignedIn: v.exactOptional(v.boolean()),
  }),
);

const SignInSchema = shaped<SignInState>()(
  v.variant('status', [
    v.object({ workspaceUrl: v.string(), status: v.literal('running'), startedAt: v.number() }),
    v.object({ workspaceUrl: v.string(), status: v.literal('failed'), error: AppErrorSchema }),
  ]),
);

const PolicySchema = shaped<Policy>()(
  v.object({
    workspaces: v.array(v.object({ url: v.string(), name: v.exactOptional(v.string()) })),
    allowOtherWorkspaces: v.exactOptional(v.literal(false)),
    allowApiTokens: v.exactOptional(v.literal(false)),
    healthCheckMinutes: v.exactOptional(v.number()),
    notifications: v.exactOptional(v.literal(false)),
  }),
);

const ProfileSchema = shaped<ProfileState>()(
  v.variant('status', [
    v.object({ status: v.literal('checking') }),
    v.object({ status: v.literal('ready'), me: MeSchema, checkedAt: v.number() }),
    v.object({ status: v.literal('failed'), error: AppErrorSchema, checkedAt: v.number() }),
  ]),
);

const HealthSchema = shaped<HealthState>()(
  v.object({
    integrations: v.array(IntegrationSchema),
    unreadable: v.exactOptional(v.number()),
    etag: v.nullable(v.string()),
    checkedAt: v.number(),
    error: v.exactOptional(AppErrorSchema),
  }),
);

const OperationSchema = shaped<OperationState>()(
  v.variant('status', [
    v.object({ kind: v.literal('disconnect'), integrationId: v.string(), status: v.literal('running') }),
    v.object({ kind: v.literal('disconnect'), integrationId: v.string(), status: v.literal('failed'), error: AppErrorSchema }),
  ]),
);

const PendingCompletionSchema = shaped<PendingCompletion>()(
  v.object({
    sessionId: v.string(),
    body: v.union([
      v.object({ code: v.string(), state: v.string() }),
      v.object({ error: v.string(), errorDescription: v.exactOptional(v.string()), state: v.exactOptional(v.string()) }),
    ]),
    idempotencyKey: v.string(),
    grantedAt: v.number(),
    attempts: v.number(),
    lastError: v.exactOptional(AppErrorSchema),
    nextAttemptAt: v.exactOptional(v.number()),
  }),
);

const flowBase = {
  flowId: v.string(),
  kind: v.picklist(['connect', 'reauthenticate']),
  integrationId: v.exactOptional(v.string()),
  startedAt: v.number(),
};

const FlowSchema = shaped<FlowState>()(
  v.variant('phase', [
    v.object({ phase: v.literal('idle') }),
    v.object({ ...flowBase, phase: v.literal('starting') }),
    v.object({ ...flowBase, phase: v.literal('authorizing'), sessionId: v.string(), windowId: v.exactOptional(v.number()) }),
    v.object({ ...flowBase, phase: v.literal('completing'), pending: PendingCompletionSchema }),
    v.object({ ...flowBase, phase: v.literal('succeeded'), integration: IntegrationSchema, finishedAt: v.number() }),
    v.object({ ...flowBase, phase: v.literal('failed'), error: AppErrorSchema, finishedAt: v.number() }),
  ]),
);

const WORKSPACE_SCHEMAS: { [K in keyof WorkspaceState]-?: v.GenericSchema<unknown, NonNullable<WorkspaceState[K]>> } = {
  settings: SettingsSchema,
  profile: ProfileSchema,
  health: HealthSchema,
  operation: OperationSchema,
  notified: v.array(v.string()),
};

const GLOBAL_SCHEMAS: { [K in keyof GlobalState]-?: v.GenericSchema<unknown, NonNullable<GlobalState[K]>> } = {
  activeWorkspace: v.string(),
  signIn: SignInSchema,
  flow: FlowSchema,
  policy: PolicySchema,
  healthCheckMinutes: IntervalSchema,
};

/** The schema of a stored key, a workspace's or the extension's; none for a key this release does not write. */
function schemaOf(name: string): v.GenericSchema | undefined {
  const split = splitWorkspaceKey(name);
  if (split)
    return (WORKSPACE_KEYS as readonly string[]).includes(split.key) ? WORKSPACE_SCHEMAS[split.key as keyof WorkspaceState] : undefined;
  return (GLOBAL_KEYS as readonly string[]).includes(name) ? GLOBAL_SCHEMAS[name as keyof GlobalState] : undefined;
}

/** What was read: the keys that passed their schema (as stored, and as state), and the names of those that did not. */
export interface ParsedState {
  valid: Record<string, unknown>;
  state: StoredState;
  invalid: string[];
}

/** Every read goes through here: a key that fails its schema is left out, never half-used. */
export function parseStoredState(raw: Record<string, unknown>): ParsedState {
  const valid: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const schema = schemaOf(name);
    if (!schema || value === undefined) continue;
    const parsed = v.safeParse(schema, value);
    if (parsed.success) valid[name] = parsed.output;
    else invalid.push(name);
  }
  return { valid, state: stateFromStorage(valid), invalid };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

type Migration = (state: Record<string, unknown>) => Record<string, unknown>;

/**
 * `MIGRATIONS[n]` turns version n − 1 into version n. Version 0 is what releases wrote before the
 * state was versioned (they wrote no `schemaVersion`).
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // 0 → 1: "no disconnect in progress" was `operation: null`; it is now the key's absence.
  1: ({ operation, ...rest }) => (operation === null ? rest : { ...rest, operation }),
  // 1 → 2: sign-in with the workspace; "remember the token" became "keep me signed in".
  2: (state) => {
    const { settings } = state;
    if (!isRecord(settings) || !('rememberToken' in settings)) return state;
    const { rememberToken, ...rest } = settings;
    return { ...state, settings: { ...rest, keepSignedIn: rememberToken } };
  },
  // 2 → 3: several workspaces. The one workspace's keys become its own (`health@<its URL>`), it
  // is the active one, and its check interval becomes the extension's. A sign-in's last message
  // (which now names its workspace) is not carried over.
  3: (state) => {
    const { settings } = state;
    const moved: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(state)) {
      if (!(WORKSPACE_KEYS as readonly string[]).includes(name) && name !== 'signIn') moved[name] = value;
    }
    if (!isRecord(settings) || typeof settings.workspaceUrl !== 'string') return moved;
    const { healthCheckMinutes, ...kept } = settings;
    const url = settings.workspaceUrl;
    for (const key of WORKSPACE_KEYS) {
      if (state[key] !== undefined) moved[workspaceKey(key, url)] = key === 'settings' ? kept : state[key];
    }
    return { ...moved, activeWorkspace: url, ...(healthCheckMinutes === undefined ? {} : { healthCheckMinutes }) };
  },
};

/**
 * Brings what is stored up to `SCHEMA_VERSION`. A state written by a newer release (a downgrade)
 * is left as it is: each key is still parsed on read, and those this release cannot read are
 * left out.
 */
export function migrate(raw: Record<string, unknown>): { state: Record<string, unknown>; from: number; to: number } {
  const from = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  let state = raw;
  for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (step) state = step(state);
  }
  return { state, from, to: Math.max(from, SCHEMA_VERSION) };
}
