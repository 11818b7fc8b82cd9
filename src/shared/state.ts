/**
 * The shape of everything the service worker keeps in `storage.local`. The service worker is the
 * only writer; popup and options render it.
 */
import type { AppError } from './errors';
import type { Integration, Me } from './schemas';
import type { CompletionBody } from './workspace-api';

export interface Settings {
  workspaceUrl: string;
  token: string;
}

export type ProfileState =
  | { status: 'checking' }
  | { status: 'ready'; me: Me; checkedAt: number }
  | { status: 'failed'; error: AppError; checkedAt: number };

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
}

export type FlowState =
  | { phase: 'idle' }
  | (FlowBase & { phase: 'starting' })
  | (FlowBase & { phase: 'authorizing'; sessionId: string })
  | (FlowBase & { phase: 'completing'; pending: PendingCompletion })
  | (FlowBase & { phase: 'succeeded'; integration: Integration; finishedAt: number })
  | (FlowBase & { phase: 'failed'; error: AppError; finishedAt: number });

/** The identity of a flow without its phase, to move it to another phase. */
export function flowBase(flow: Exclude<FlowState, { phase: 'idle' }>): FlowBase {
  const { flowId, kind, integrationId, startedAt } = flow;
  return { flowId, kind, startedAt, ...(integrationId ? { integrationId } : {}) };
}

export const IDLE: FlowState = { phase: 'idle' };

export type RunningFlow = Extract<FlowState, { phase: 'starting' | 'authorizing' | 'completing' }>;

export const isFlowRunning = (flow: FlowState): flow is RunningFlow =>
  flow.phase === 'starting' || flow.phase === 'authorizing' || flow.phase === 'completing';

export interface StoredState {
  settings?: Settings;
  profile?: ProfileState;
  flow?: FlowState;
}

export const STORAGE_KEYS = ['settings', 'profile', 'flow'] as const satisfies ReadonlyArray<
  keyof StoredState
>;
