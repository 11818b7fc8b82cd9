/**
 * The shape of everything the service worker keeps in `storage.local`. The service worker is the
 * only writer; popup and options render it.
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
  /** How often the service worker checks integration health, in minutes. */
  healthCheckMinutes?: number;
  /** False: the token lives in `storage.session` and is gone when the browser closes. */
  keepSignedIn?: boolean;
}

export const DEFAULT_HEALTH_CHECK_MINUTES = 15;
export const MIN_HEALTH_CHECK_MINUTES = 1;
export const MAX_HEALTH_CHECK_MINUTES = 24 * 60;

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
export type SignInState = { status: 'running'; startedAt: number } | { status: 'failed'; error: AppError };

export interface StoredState {
  settings?: Settings;
  signIn?: SignInState;
  /** The organization's policy as last read (absent: nothing managed). */
  policy?: Policy;
  profile?: ProfileState;
  flow?: FlowState;
  health?: HealthState;
  /** Absent when no disconnect is running or failed. */
  operation?: OperationState;
  /** Integrations already notified as broken (the service worker's own bookkeeping). */
  notified?: string[];
}

/** The keys of `StoredState`; beside them `schemaVersion` says which shape they are in (stored-state.ts). */
export const STORAGE_KEYS = [
  'settings',
  'signIn',
  'policy',
  'profile',
  'flow',
  'health',
  'operation',
  'notified',
] as const satisfies ReadonlyArray<keyof StoredState>;
