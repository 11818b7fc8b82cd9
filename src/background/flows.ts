/**
 * The connect and reauthenticate flows as the worker runs them: one at a time, cancellable, their
 * progress in storage, resumed or reported when a stopped worker left one mid-way. The flow itself
 * is the pure state machine in `shared/connect-flow.ts`; this wires it to the browser.
 */
import browser from './browser';
import type { CommandReply } from '../shared/commands';
import { finishCompletion, flowBase, newFlowBase, runConnectFlow, type FlowDeps, type FlowRequest } from '../shared/connect-flow';
import { appError, type AppError } from '../shared/errors';
import { IDLE, isFlowRunning, type FlowState, type RunningFlow } from '../shared/state';
import type { WorkspaceApi } from '../shared/workspace-api';
import { bringOutcomeToAdmin, currentWindowId } from './outcome';
import { readState, saveFlow } from './storage';
import { focusStripeWindow, launchStripeWindow } from './stripe-window';
import { currentWorkspaceClient } from './workspace';

/** The path of `identity.getRedirectURL`, which Stripe redirects to. */
export const REDIRECT_PATH = 'stripe';
/** Wakes a new worker to resume a completion whose retry the stopped one was waiting for. */
export const RETRY_ALARM = 'complete-retry';

export interface FlowRunnerDeps {
  /** What a finished flow changes beyond itself: the list, when it gained or lost an integration. */
  afterFlow: (final: FlowState) => Promise<void>;
}

export interface FlowRunner {
  start: (request: FlowRequest) => Promise<CommandReply>;
  focus: () => Promise<CommandReply>;
  cancel: () => Promise<CommandReply>;
  dismiss: () => Promise<CommandReply>;
  /** Cancels a running flow and waits for its end (sign-out). */
  stop: () => Promise<void>;
  isRunning: () => boolean;
  recoverInterrupted: () => Promise<void>;
}

/** Everything the flow needs from the browser. */
function flowDeps(api: WorkspaceApi): FlowDeps {
  return {
    api,
    redirectUri: browser.identity.getRedirectURL(REDIRECT_PATH),
    allowLoopbackStripe: __ALLOW_LOOPBACK_STRIPE__,
    launchWebAuthFlow: launchStripeWindow,
    timeout: (ms) => AbortSignal.timeout(ms),
    newId: () => crypto.randomUUID(),
    now: () => Date.now(),
    save: async (flow) => {
      await saveFlow(flow);
      // If this worker is stopped while waiting to retry, the alarm wakes a new one to resume.
      if (flow.phase === 'completing' && flow.pending.nextAttemptAt) {
        await browser.alarms.create(RETRY_ALARM, { when: flow.pending.nextAttemptAt + 1000 });
      }
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export function createFlowRunner({ afterFlow }: FlowRunnerDeps): FlowRunner {
  /**
   * The flow this worker is running, and the admin's way to cancel it. Claimed synchronously,
   * before any await, so that two Connects in the same instant (a double-click) start one flow; a
   * flow in storage without one here was cut off.
   */
  let running: { flow: Promise<FlowState>; cancel: AbortController } | null = null;

  function claim(
    run: (cancel: AbortSignal) => Promise<FlowState>,
    originWindow: Promise<number | undefined> = Promise.resolve(undefined),
  ): Promise<FlowState> {
    const cancel = new AbortController();
    const flow = run(cancel.signal)
      .then(async (final) => {
        // The outcome first (the admin is waiting for it), then the list it changed.
        await bringOutcomeToAdmin(final, await originWindow);
        await afterFlow(final);
        return final;
      })
      .finally(() => {
        running = null;
      });
    running = { flow, cancel };
    return flow;
  }

  /** A flow that could not start (not configured, no permission) is reported like any other. */
  async function reportFailure(request: FlowRequest, error: AppError): Promise<FlowState> {
    const base = newFlowBase(request, { newId: () => crypto.randomUUID(), now: Date.now });
    const failed: FlowState = { ...base, phase: 'failed', error, finishedAt: base.startedAt };
    await saveFlow(failed);
    return failed;
  }

  async function resumeOrReport(flow: RunningFlow): Promise<FlowState> {
    if (flow.phase === 'completing') {
      const client = await currentWorkspaceClient();
      if (client.ok) return finishCompletion(flow, flowDeps(client.value));
    }
    if (flow.phase === 'authorizing' && flow.windowId !== undefined) {
      await browser.windows.remove(flow.windowId).catch(() => undefined);
    }
    const interrupted: FlowState = { ...flowBase(flow), phase: 'failed', error: appError('interrupted'), finishedAt: Date.now() };
    await saveFlow(interrupted);
    return interrupted;
  }

  /**
   * A worker that starts and finds a flow "in progress" in storage was stopped mid-flow: a kept
   * completion is sent again (the idempotency key makes that safe); anything earlier is reported,
   * and its Stripe window, which nothing waits for any more, is closed.
   */
  async function recoverInterrupted(): Promise<void> {
    const { flow } = await readState();
    if (!flow || !isFlowRunning(flow) || running) return;
    await claim(() => resumeOrReport(flow));
  }

  async function stop(): Promise<void> {
    if (!running) return;
    running.cancel.abort();
    await running.flow;
  }

  async function focus(): Promise<CommandReply> {
    await focusStripeWindow();
    return { ok: true };
  }

  return {
    async start(request) {
      if (running) return focus();
      // The reply waits for the flow's first stored state, so a page that reads storage back on
      // the reply (Firefox may miss a change event) sees the flow running.
      let stored!: () => void;
      const firstSave = new Promise<void>((resolve) => (stored = resolve));
      const flow = claim(async (cancel) => {
        const client = await currentWorkspaceClient();
        if (!client.ok) return reportFailure(request, client.error);
        const deps = flowDeps(client.value);
        return runConnectFlow(request, { ...deps, save: (state) => deps.save(state).finally(stored) }, cancel);
      }, currentWindowId());
      await Promise.race([firstSave, flow]);
      return { ok: true };
    },
    focus,
    /**
     * The admin's way out of a flow that cannot finish (Stripe showed an error page instead of
     * redirecting, the window got lost): closes the Stripe window. Once Stripe has answered, the
     * grant is delivered instead; a flow this worker lost is reported as interrupted.
     */
    async cancel() {
      if (running) await stop();
      else await recoverInterrupted();
      return { ok: true };
    },
    async dismiss() {
      if (!running) await saveFlow(IDLE);
      return { ok: true };
    },
    stop,
    isRunning: () => running !== null,
    recoverInterrupted,
  };
}
