/**
 * The connect flow, from "connect Stripe" to a stored integration, as plain TypeScript: every side
 * effect (workspace calls, the Stripe window, storage) comes in through `FlowDeps`, so the whole
 * flow runs in unit tests as it does in the service worker.
 */
import { checkAuthorizeUrl, type AuthorizeUrl } from './authorize-url';
import { appError, type AppError } from './errors';
import { parseStripeRedirect } from './redirect';
import type { StripeMode } from './schemas';
import { nextRetryDelay } from './retry';
import { type FlowBase, type FlowKind, type FlowState, type PendingCompletion } from './state';
import type { WorkspaceApi } from './workspace-api';
import { closedByAdmin } from './web-auth-flow';

export interface FlowDeps {
  api: WorkspaceApi;
  redirectUri: string;
  allowLoopbackStripe: boolean;
  /**
   * `identity.launchWebAuthFlow({url, interactive: true})`: the URL Stripe redirected to. Tells
   * `onWindow` which window is Stripe's, and closes that window when `signal` aborts.
   */
  launchWebAuthFlow: (url: AuthorizeUrl, control: { signal: AbortSignal; onWindow: (windowId: number) => void }) => Promise<string>;
  /** A signal that aborts after `ms` (`AbortSignal.timeout`). */
  timeout: (ms: number) => AbortSignal;
  newId: () => string;
  now: () => number;
  /**
   * Persists progress so that every popup renders it and a restarted worker can resume. Writes
   * land in the order they are called (storage queues them), whether or not each is awaited.
   */
  save: (state: FlowState) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

export interface FlowRequest {
  kind: FlowKind;
  integrationId?: string;
  /** A new connection's Stripe mode (default live); reauthentication keeps the integration's. */
  mode?: StripeMode;
}

/** The identity of a flow without its phase, to move it to another phase. */
export function flowBase(flow: Exclude<FlowState, { phase: 'idle' }>): FlowBase {
  const { flowId, kind, integrationId, startedAt } = flow;
  return { flowId, kind, startedAt, ...(integrationId ? { integrationId } : {}) };
}

/** A new flow's identity: what every phase of it carries. */
export function newFlowBase(request: FlowRequest, deps: Pick<FlowDeps, 'newId' | 'now'>): FlowBase {
  return {
    flowId: deps.newId(),
    kind: request.kind,
    startedAt: deps.now(),
    ...(request.integrationId ? { integrationId: request.integrationId } : {}),
  };
}

/** What a promise raced against an abort signal gives when the signal wins. */
const ABORTED = Symbol('aborted');

function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs one flow. `cancel` is the admin's *Cancel*: it counts until Stripe has answered (then the
 * grant is delivered whatever happens). The Stripe window also closes when the workspace's connect
 * session expires, since an answer after that could not be used.
 */
export async function runConnectFlow(
  request: FlowRequest,
  deps: FlowDeps,
  cancel: AbortSignal = new AbortController().signal,
): Promise<FlowState> {
  const base = newFlowBase(request, deps);
  const fail = async (error: AppError): Promise<FlowState> => {
    const state: FlowState = { ...base, phase: 'failed', error, finishedAt: deps.now() };
    await deps.save(state);
    return state;
  };

  // Progress that recovery does not depend on is not waited for: writes land in call order, so it
  // is stored before anything written after it, and the next step runs meanwhile. Only the pending
  // completion must be asked to be stored before it is sent. A progress write that fails costs a
  // progress message, never the flow (nor the admin's grant).
  const progress = (flow: FlowState) => void deps.save(flow).catch(() => undefined);
  progress({ ...base, phase: 'starting' });
  const session = await unlessAborted(
    deps.api.createConnectSession({
      redirectUri: deps.redirectUri,
      ...(request.integrationId ? { integrationId: request.integrationId } : {}),
      ...(request.mode ? { mode: request.mode } : {}),
    }),
    cancel,
  );
  if (session === ABORTED) return fail(appError('cancelled'));
  if (!session.ok) return fail(session.error);

  const checked = checkAuthorizeUrl(session.value.authorizeUrl, {
    redirectUri: deps.redirectUri,
    allowLoopbackStripe: deps.allowLoopbackStripe,
  });
  if (!checked.ok) return fail(checked.error);

  const authorizing = { ...base, phase: 'authorizing', sessionId: session.value.id } as const;
  progress(authorizing);
  const expiry = deps.timeout(Math.max(0, session.value.lifetimeMs));
  const signal = AbortSignal.any([cancel, expiry]);
  let responseUrl: string | typeof ABORTED;
  try {
    responseUrl = await unlessAborted(
      deps.launchWebAuthFlow(checked.value.url, {
        signal,
        // Kept with the flow, so that a worker that finds it cut off can close that window.
        onWindow: (windowId) => progress({ ...authorizing, windowId }),
      }),
      signal,
    );
  } catch (cause) {
    if (!signal.aborted) return fail(classifyWebAuthFlowError(cause));
    responseUrl = ABORTED; // closing the window on abort rejects the launch: the abort is why
  }
  if (responseUrl === ABORTED) {
    return fail(
      cancel.aborted
        ? appError('cancelled')
        : appError('session-expired', 'the Stripe window was open longer than the connect session lives'),
    );
  }

  const outcome = parseStripeRedirect(responseUrl, {
    redirectUri: deps.redirectUri,
    state: checked.value.state,
  });
  if (!outcome.ok) return fail(outcome.error);

  if (outcome.value.kind === 'denied') {
    const { error, errorDescription } = outcome.value;
    // Closing the session at the workspace is a courtesy; the admin's answer stands either way.
    await deps.api.completeConnectSession(
      session.value.id,
      { error, state: checked.value.state, ...(errorDescription ? { errorDescription } : {}) },
      deps.newId(),
    );
    return fail(appError(error === 'access_denied' ? 'access-denied' : 'stripe-error', errorDescription ?? error));
  }

  const pending: PendingCompletion = {
    sessionId: session.value.id,
    body: { code: outcome.value.code, state: checked.value.state },
    idempotencyKey: deps.newId(),
    grantedAt: deps.now(),
    attempts: 0,
  };
  const completing = { ...base, phase: 'completing', pending } as const;
  // Kept before it is sent, but not waited for: the write is asked of the browser before the
  // request leaves, writes land in the order asked, and a worker stopped from here on does not take
  // back a write already asked. So a new worker finds the completion and sends it again under the
  // same key, as if the write had been awaited, without the admin waiting for it (issue #18).
  // A write that fails does not hold back the grant, which is sent all the same.
  progress(completing);
  return finishCompletion(completing, deps);
}

/**
 * Sends a kept completion to the workspace until it lands, retrying transient failures while the
 * code can still be redeemed; also resumes one after a worker restart. The idempotency key stays the
 * same throughout, so the workspace makes exactly one integration of one grant.
 */
export async function finishCompletion(
  flow: Extract<FlowState, { phase: 'completing' }>,
  deps: Pick<FlowDeps, 'api' | 'now' | 'save' | 'sleep'>,
): Promise<FlowState> {
  const base = flowBase(flow);
  let pending = flow.pending;
  for (;;) {
    const answer = await deps.api.completeConnectSession(pending.sessionId, pending.body, pending.idempotencyKey);
    const finishedAt = deps.now();
    if (answer.ok) {
      const state: FlowState =
        answer.value === null
          ? { ...base, phase: 'failed', error: appError('bad-response', 'no integration'), finishedAt }
          : { ...base, phase: 'succeeded', integration: answer.value, finishedAt };
      await deps.save(state);
      return state;
    }
    const delay = nextRetryDelay(pending.attempts, answer.error, pending.grantedAt, finishedAt);
    if (delay === null) {
      const state: FlowState = { ...base, phase: 'failed', error: answer.error, finishedAt };
      await deps.save(state);
      return state;
    }
    pending = { ...pending, attempts: pending.attempts + 1, lastError: answer.error, nextAttemptAt: finishedAt + delay };
    await deps.save({ ...base, phase: 'completing', pending });
    await deps.sleep(delay);
  }
}

/**
 * `launchWebAuthFlow` rejects with a message only. Chromium: "The user did not approve access.";
 * Firefox: "User cancelled or denied access."; an HTTP error page on the authorize URL:
 * "Authorization page could not be loaded."
 */
export function classifyWebAuthFlowError(cause: unknown): AppError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (closedByAdmin(message)) return appError('window-closed', message);
  if (/could not be loaded/i.test(message)) return appError('stripe-error', message);
  return appError('unknown', message);
}
