/**
 * The shape of everything the service worker keeps in `storage.local`. The service worker is the
 * only writer; popup and options render it.
 *
 * Each workspace the admin added keeps its own keys, named `<key>@<workspace URL>`
 * (`health@https://analytics.example.com/`): what one workspace learns is written without reading
 * or rewriting another's, and forgetting one removes its keys. Beside them, the keys of the
 * extension as a whole: which workspace the pages show, the flow, the policy, the check interval.
 */
import type { AppError } from './errors';
import type { Integration, Me } from './schemas';
import type { CompletionBody } from './workspace-api';

export interface Settings {
  workspaceUrl: string;
  /**
   * The admin's long-lived credential: the refresh token of a sign-in with the workspace, or an API
   * token; '' when signed out.
   */
  token: string;
  /** What `token` is; absent: an API token (all that release 0.1 knew). */
  credential?: 'sign-in' | 'api-token';
  /** The admin's name for the workspace; absent: the workspace's own name. */
  name?: string;
  /** When the workspace was added: the switcher lists them in that order (absent: before release 0.2). */
  addedAt?: number;
  /** False: the token lives in `storage.session` and is gone when the browser closes. */
  keepSignedIn?: boolean;
}

export const DEFAULT_HEALTH_CHECK_MINUTES = 15;
export const MIN_HEALTH_CHECK_MINUTES = 1;
export const MAX_HEALTH_CHECK_MINUTES = 24 * 60;
/** The longest name an admin may give a workspace. */
export const MAX_WORKSPACE_NAME = 60;

/** The last known list of integrations; rewritten only when the workspace says it changed. */
export interface HealthState {
  integrations: Integration[];
  /** Items of the last list this release could not read (a newer workspace's), not shown. */
  unreadable?: number;
  etag: string | null;
  checkedAt: number;
  /** Why the last check failed, until one succeeds. */
  error?: AppError;
}

/** A disconnect in progress or failed (a finished one simply disappears from the list). */
export type OperationState =
  | { kind: 'disconnect'; integrationId: string; status: 'running' }
  | { kind: 'disconnect'; integrationId: string; status: 'failed'; error: AppError };

export type ProfileState =
  { status: 'checking' } | { status: 'ready'; me: Me; checkedAt: number } | { status: 'failed'; error: AppError; checkedAt: number };

export type FlowKind = 'connect' | 'reauthenticate';

export interface FlowBase {
  flowId: string;
  kind: FlowKind;
  integrationId?: string;
  startedAt: number;
}

/** What must reach the workspace once Stripe has answered; kept until the workspace has it. */
export interface PendingCompletion {
  sessionId: string;
  body: CompletionBody;
  idempotencyKey: string;
  /** When Stripe's code arrived: it is worthless five minutes later. */
  grantedAt: number;
  /** Attempts that failed so far, and what the last one said. */
  attempts: number;
  lastError?: AppError;
  nextAttemptAt?: number;
}

export type FlowState =
  | { phase: 'idle' }
  | (FlowBase & { phase: 'starting' })
  | (FlowBase & { phase: 'authorizing'; sessionId: string; windowId?: number })
  | (FlowBase & { phase: 'completing'; pending: PendingCompletion })
  | (FlowBase & { phase: 'succeeded'; integration: Integration; finishedAt: number })
  | (FlowBase & { phase: 'failed'; error: AppError; finishedAt: number });

export const IDLE: FlowState = { phase: 'idle' };

export type RunningFlow = Extract<FlowState, { phase: 'starting' | 'authorizing' | 'completing' }>;

export const isFlowRunning = (flow: FlowState): flow is RunningFlow =>
  flow.phase === 'starting' || flow.phase === 'authorizing' || flow.phase === 'completing';

/**
 * What the organization's policy sets (`storage.managed`, read by the worker: shared/policy.ts).
 * Absent when nothing is managed; each field only when the policy says so.
 */
export interface Policy {
  /** Preset workspaces, their URLs normalized, in the policy's order. */
  workspaces: Array<{ url: string; name?: string }>;
  /** Only the preset workspaces may be used. */
  allowOtherWorkspaces?: false;
  /** Only sign-in with the workspace; no API tokens. */
  allowApiTokens?: false;
  healthCheckMinutes?: number;
  notifications?: false;
}

/** A sign-in with the workspace in progress, or why the last one failed (a success shows as the profile). */
export type SignInState = { workspaceUrl: string } & ({ status: 'running'; startedAt: number } | { status: 'failed'; error: AppError });

/** What the extension keeps of one workspace. */
export interface WorkspaceState {
  settings: Settings;
  profile?: ProfileState;
  health?: HealthState;
  /** Absent when no disconnect is running or failed. */
  operation?: OperationState;
  /** Integrations already notified as broken (the service worker's own bookkeeping). */
  notified?: string[];
}

/** The keys of the extension as a whole. */
export interface GlobalState {
  /** The URL of the workspace the pages show (absent: none added yet). */
  activeWorkspace?: string;
  /** The one sign-in with a workspace running, or why the last one failed. */
  signIn?: SignInState;
  /** The one connect or reauthenticate flow, of the active workspace (switching waits for it). */
  flow?: FlowState;
  /** The organization's policy as last read (absent: nothing managed). */
  policy?: Policy;
  /** How often the service worker checks every workspace's integrations, in minutes. */
  healthCheckMinutes?: number;
}

/**
 * The state as read: the active workspace's keys at the top (what the pages mostly render), every
 * workspace in `workspaces`, and the extension's own keys.
 */
export type StoredState = Partial<WorkspaceState> & GlobalState & { workspaces: WorkspaceState[] };

export const WORKSPACE_KEYS = ['settings', 'profile', 'health', 'operation', 'notified'] as const satisfies ReadonlyArray<
  keyof WorkspaceState
>;

/** Beside these, `schemaVersion` says which shape the keys are in (stored-state.ts). */
export const GLOBAL_KEYS = ['activeWorkspace', 'signIn', 'flow', 'policy', 'healthCheckMinutes'] as const satisfies ReadonlyArray<
  keyof GlobalState
>;

/** The storage key of one workspace's `key`. */
export const workspaceKey = (key: string, workspaceUrl: string): string => `${key}@${workspaceUrl}`;

/** The key and workspace of a workspace's storage key; null for the extension's own keys. */
export function splitWorkspaceKey(name: string): { key: string; workspaceUrl: string } | null {
  const at = name.indexOf('@');
  return at < 0 ? null : { key: name.slice(0, at), workspaceUrl: name.slice(at + 1) };
}

/**
 * The state from what `storage.local` holds (already checked by the worker, which alone writes
 * it): the workspaces gathered from their keys, in the order they were added, the active one at the top.
 */
export function stateFromStorage(stored: Record<string, unknown>): StoredState {
  const byUrl = new Map<string, Record<string, unknown>>();
  const global: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    const split = splitWorkspaceKey(name);
    if (!split) {
      if ((GLOBAL_KEYS as readonly string[]).includes(name)) global[name] = value;
      continue;
    }
    const workspace = byUrl.get(split.workspaceUrl) ?? {};
    workspace[split.key] = value;
    byUrl.set(split.workspaceUrl, workspace);
  }
  const workspaces = ([...byUrl.values()].filter((w) => w.settings) as unknown as WorkspaceState[]).sort(
    (a, b) => (a.settings.addedAt ?? 0) - (b.settings.addedAt ?? 0),
  );
  const active = workspaces.find((w) => w.settings.workspaceUrl === global.activeWorkspace);
  return { ...active, ...(global as GlobalState), workspaces };
}

/**
 * How a workspace is named to the admin: their own name for it, else the workspace's (once its
 * profile was read), the organization's preset name, or its address.
 */
export function workspaceLabel(workspace: WorkspaceState, policy?: Policy): string {
  const { settings, profile } = workspace;
  if (settings.name) return settings.name;
  if (profile?.status === 'ready') return profile.me.workspace.name;
  const preset = policy?.workspaces.find((p) => p.url === settings.workspaceUrl)?.name;
  if (preset) return preset;
  try {
    return new URL(settings.workspaceUrl).host;
  } catch {
    return settings.workspaceUrl;
  }
}

/** The port an open popup holds to the worker: while one is open, a first import's progress is checked every few seconds. */
export const POPUP_PORT = 'popup';
