/**
 * The service worker: owns the connect flow, health checks and every side effect, and writes
 * state to `storage.local` for the pages to render. The logic lives in `src/shared`; this file and
 * its neighbours wire it to the browser.
 */
import browser from 'webextension-polyfill';
import { finishCompletion, flowBase, newFlowBase, runConnectFlow, type FlowDeps, type FlowRequest } from '../shared/connect-flow';
import { appError, type AppError } from '../shared/errors';
import { parseCommand, type Command, type CommandReply } from '../shared/commands';
import { IDLE, isFlowRunning, type FlowState, type RunningFlow } from '../shared/state';
import { parseWorkspaceUrl, type WorkspaceApi } from '../shared/workspace-api';
import { checkHealth, HEALTH_ALARM, NOTIFICATION_PREFIX, openIntegrationList, scheduleHealthChecks, showBadge } from './integration-watch';
import { bringOutcomeToAdmin, currentWindowId, OUTCOME_NOTIFICATION_PREFIX } from './outcome';
import { readState, saveFlow, writeState } from './storage';
import { workspaceClient } from './workspace';

declare const __ALLOW_LOOPBACK_STRIPE__: boolean;

const REDIRECT_PATH = 'stripe';

async function checkProfile(): Promise<CommandReply> {
  const { settings } = await readState();
  await writeState({ profile: { status: 'checking' } });
  const client = await workspaceClient(settings);
  if (!client.ok) {
    await writeState({ profile: { status: 'failed', error: client.error, checkedAt: Date.now() } });
    return { ok: false, error: client.error };
  }
  const me = await client.api.getMe();
  await writeState({
    profile: me.ok
      ? { status: 'ready', me: me.value, checkedAt: Date.now() }
      : { status: 'failed', error: me.error, checkedAt: Date.now() },
  });
  return me.ok ? { ok: true } : { ok: false, error: me.error };
}

/**
 * The flow this worker is running, and the admin's way to cancel it. Claimed synchronously,
 * before any await, so that two Connects in the same instant (a double-click) start one flow; a
 * flow in storage without one here was cut off.
 */
let running: { flow: Promise<FlowState>; cancel: AbortController } | null = null;

function claimFlow(
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

/** What a finished flow changes beyond itself: the list, when it gained or lost an integration. */
async function afterFlow(final: FlowState): Promise<void> {
  if (final.phase === 'succeeded') await checkHealth();
  if (final.phase === 'failed' && final.error.code === 'integration-gone' && final.integrationId) {
    await forgetIntegration(final.integrationId);
  }
}

/** An integration the workspace no longer has (a colleague removed it): off the list at once. */
async function forgetIntegration(integrationId: string): Promise<void> {
  const { health } = await readState();
  if (health) {
    const integrations = health.integrations.filter((i) => i.id !== integrationId);
    // No ETag: the next check fetches the whole list, whatever else changed.
    await writeState({ health: { ...health, integrations, etag: null } });
    await showBadge(integrations);
  }
  await checkHealth();
}

const RETRY_ALARM = 'complete-retry';

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

/** The Stripe window of the running flow: brought forward on a second Connect, closed on Cancel. */
let stripeWindowId: number | null = null;

async function launchStripeWindow(
  url: string,
  { signal, onWindow }: { signal: AbortSignal; onWindow: (windowId: number) => void },
): Promise<string> {
  const remember = (window: browser.Windows.Window) => {
    if (stripeWindowId !== null || window.id === undefined) return;
    stripeWindowId = window.id;
    onWindow(window.id);
  };
  const close = () => {
    if (stripeWindowId !== null) void browser.windows.remove(stripeWindowId).catch(() => undefined);
  };
  browser.windows.onCreated.addListener(remember);
  browser.tabs.onCreated.addListener(keepStripeWindowToItself);
  signal.addEventListener('abort', close);
  try {
    return await browser.identity.launchWebAuthFlow({ url, interactive: true });
  } finally {
    browser.windows.onCreated.removeListener(remember);
    browser.tabs.onCreated.removeListener(keepStripeWindowToItself);
    signal.removeEventListener('abort', close);
    stripeWindowId = null;
  }
}

/**
 * Firefox's Stripe window is an ordinary browser window that watches only its selected tab for
 * Stripe's redirect: a tab opened while it is in front (by the admin, a link, this extension)
 * would land there and hide the sign-in for good. Such a tab is moved to another window at once.
 */
function keepStripeWindowToItself(tab: browser.Tabs.Tab): void {
  if (stripeWindowId === null || tab.windowId !== stripeWindowId || tab.id === undefined) return;
  const tabId = tab.id;
  const stripeWindow = stripeWindowId;
  void (async () => {
    // The window's own first tab is Stripe's sign-in.
    if ((await browser.tabs.query({ windowId: stripeWindow })).length < 2) return;
    const windows = await browser.windows.getAll({ windowTypes: ['normal'] });
    const other = windows.find((w) => w.id !== stripeWindow && w.id !== undefined && !w.incognito);
    if (other?.id === undefined) {
      await browser.windows.create({ tabId });
      return;
    }
    await browser.tabs.move(tabId, { windowId: other.id, index: -1 });
    await browser.tabs.update(tabId, { active: true });
  })().catch(() => undefined);
}

async function startFlow(request: FlowRequest): Promise<CommandReply> {
  if (running) return focusRunningFlow();
  // The reply waits for the flow's first stored state, so a page that reads storage back on the
  // reply (Firefox may miss a change event) sees the flow running.
  let stored!: () => void;
  const firstSave = new Promise<void>((resolve) => (stored = resolve));
  const flow = claimFlow(async (cancel) => {
    const { settings } = await readState();
    const client = await workspaceClient(settings);
    if (!client.ok) return reportFailure(request, client.error);
    const deps = flowDeps(client.api);
    return runConnectFlow(request, { ...deps, save: (state) => deps.save(state).finally(stored) }, cancel);
  }, currentWindowId());
  await Promise.race([firstSave, flow]);
  return { ok: true };
}

/** One flow at a time: asking again brings the running one's Stripe window forward. */
async function focusRunningFlow(): Promise<CommandReply> {
  if (stripeWindowId !== null) {
    await browser.windows.update(stripeWindowId, { focused: true, drawAttention: true }).catch(() => undefined);
  }
  return { ok: true };
}

/**
 * The admin's way out of a flow that cannot finish (Stripe showed an error page instead of
 * redirecting, the window got lost): closes the Stripe window. Once Stripe has answered, the grant
 * is delivered instead; a flow this worker lost is reported as interrupted.
 */
async function cancelFlow(): Promise<CommandReply> {
  if (running) {
    running.cancel.abort();
    await running.flow;
  } else {
    await recoverInterruptedFlow();
  }
  return { ok: true };
}

/** A flow that could not start (not configured, no permission) is reported like any other. */
async function reportFailure(request: FlowRequest, error: AppError): Promise<FlowState> {
  const base = newFlowBase(request, { newId: () => crypto.randomUUID(), now: Date.now });
  const failed: FlowState = { ...base, phase: 'failed', error, finishedAt: base.startedAt };
  await saveFlow(failed);
  return failed;
}

async function saveSettings(workspaceUrl: string, token: string, rememberToken: boolean): Promise<CommandReply> {
  const url = parseWorkspaceUrl(workspaceUrl);
  if (!url.ok) return { ok: false, error: appError('not-configured', url.error) };
  const { settings } = await readState();
  const sameWorkspace = settings?.workspaceUrl === url.value.href;
  await writeState({
    settings: { ...settings, workspaceUrl: url.value.href, token: token.trim(), rememberToken },
    // A running flow's progress stays: it belongs to the workspace it started with.
    ...(running ? {} : { flow: IDLE }),
    // Another workspace's integrations must not linger in the popup or the badge.
    ...(sameWorkspace ? {} : { health: { integrations: [], etag: null, checkedAt: 0 }, notified: [], operation: null }),
  });
  if (!sameWorkspace) await showBadge([]);
  const reply = await checkProfile();
  if (reply.ok) await checkHealth();
  return reply;
}

async function disconnect(integrationId: string): Promise<CommandReply> {
  const { settings } = await readState();
  const client = await workspaceClient(settings);
  if (!client.ok) return { ok: false, error: client.error };
  await writeState({ operation: { kind: 'disconnect', integrationId, status: 'running' } });
  const answer = await client.api.deleteIntegration(integrationId);
  if (!answer.ok) {
    await writeState({ operation: { kind: 'disconnect', integrationId, status: 'failed', error: answer.error } });
    // Removed meanwhile (by a colleague, say): what the admin wanted, and the row must go.
    if (answer.error.code === 'integration-gone') await forgetIntegration(integrationId);
    return { ok: false, error: answer.error };
  }
  await writeState({ operation: null });
  await checkHealth();
  return { ok: true };
}

/**
 * Sign out: the token is forgotten (both stores), and with it everything it let the extension see;
 * the workspace URL stays for the next sign-in. A flow still running is cancelled first.
 */
async function signOut(): Promise<CommandReply> {
  if (running) {
    running.cancel.abort();
    await running.flow;
  }
  const { settings } = await readState();
  if (settings) {
    await writeState({
      settings: { ...settings, token: '' },
      profile: { status: 'failed', error: appError('not-configured'), checkedAt: Date.now() },
      flow: IDLE,
      health: { integrations: [], etag: null, checkedAt: 0 },
      notified: [],
      operation: null,
    });
  }
  await showBadge([]);
  return { ok: true };
}

async function setHealthInterval(minutes: number): Promise<CommandReply> {
  const { settings } = await readState();
  if (!settings) return { ok: false, error: appError('not-configured') };
  await writeState({ settings: { ...settings, healthCheckMinutes: minutes } });
  await scheduleHealthChecks(minutes);
  return { ok: true };
}

async function handle(command: Command): Promise<CommandReply> {
  switch (command.type) {
    case 'connect':
      return startFlow({ kind: 'connect' });
    case 'reauthenticate':
      return startFlow({ kind: 'reauthenticate', integrationId: command.integrationId });
    case 'save-settings':
      return saveSettings(command.workspaceUrl, command.token, command.rememberToken ?? true);
    case 'focus-flow':
      return focusRunningFlow();
    case 'cancel-flow':
      return cancelFlow();
    case 'check-profile':
      return checkProfile();
    case 'sign-out':
      return signOut();
    case 'dismiss-flow':
      if (!running) await saveFlow(IDLE);
      return { ok: true };
    case 'popup-opened':
    case 'check-health':
      await checkHealth();
      return { ok: true };
    case 'disconnect':
      return disconnect(command.integrationId);
    case 'set-health-interval':
      return setHealthInterval(command.minutes);
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Only this extension's own pages may drive it.
  if (sender.id !== browser.runtime.id) return undefined;
  const command = parseCommand(message);
  if (!command) return Promise.resolve({ ok: false, error: appError('unknown', 'bad command') });
  return handle(command);
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name.startsWith(HEALTH_ALARM)) void checkHealth();
  if (alarm.name === RETRY_ALARM) void recoverInterruptedFlow();
});

// The alarm itself is (re)scheduled at the bottom of this file, on every start.
browser.runtime.onStartup.addListener(() => void checkHealth());

browser.runtime.onInstalled.addListener(({ reason }) => {
  void checkHealth();
  // First run: the admin's next step is pointing the extension at a workspace.
  if (reason === 'install') void browser.runtime.openOptionsPage();
});

browser.notifications.onClicked.addListener((notificationId) => {
  if (!notificationId.startsWith(NOTIFICATION_PREFIX) && !notificationId.startsWith(OUTCOME_NOTIFICATION_PREFIX)) return;
  void browser.notifications.clear(notificationId);
  void openIntegrationList();
});

/**
 * A worker that starts and finds a flow "in progress" in storage was stopped mid-flow: a kept
 * completion is sent again (the idempotency key makes that safe); anything earlier is reported,
 * and its Stripe window, which nothing waits for any more, is closed.
 */
async function recoverInterruptedFlow(): Promise<void> {
  const { flow } = await readState();
  if (!flow || !isFlowRunning(flow) || running) return;
  await claimFlow(() => resumeOrReport(flow));
}

async function resumeOrReport(flow: RunningFlow): Promise<FlowState> {
  if (flow.phase === 'completing') {
    const client = await workspaceClient((await readState()).settings);
    if (client.ok) return finishCompletion(flow, flowDeps(client.api));
  }
  if (flow.phase === 'authorizing' && flow.windowId !== undefined) {
    await browser.windows.remove(flow.windowId).catch(() => undefined);
  }
  const interrupted: FlowState = { ...flowBase(flow), phase: 'failed', error: appError('interrupted'), finishedAt: Date.now() };
  await saveFlow(interrupted);
  return interrupted;
}

void recoverInterruptedFlow();
// Also on every start of the worker or event page: install and startup events are not always
// delivered to a listener registered by a module (Firefox's temporary installs); idempotent.
void scheduleHealthChecks();
