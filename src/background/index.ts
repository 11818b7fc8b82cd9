/**
 * The service worker: owns the connect flow and every side effect, and writes state to
 * `storage.local` for the pages to render. The logic lives in `src/shared`; this file wires it to
 * the browser.
 */
import browser from 'webextension-polyfill';
import { runConnectFlow, finishCompletion, type FlowRequest } from '../shared/connect-flow';
import { appError, type AppError } from '../shared/errors';
import { parseCommand, type Command, type CommandReply } from '../shared/messages';
import { IDLE, flowBase, isFlowRunning, type FlowState, type Settings, type StoredState } from '../shared/state';
import { createWorkspaceApi, originPattern, parseWorkspaceUrl } from '../shared/workspace-api';

declare const __ALLOW_LOOPBACK_STRIPE__: boolean;

const REDIRECT_PATH = 'stripe';

async function read(): Promise<StoredState> {
  return (await browser.storage.local.get(['settings', 'profile', 'flow'])) as StoredState;
}

async function write(update: Partial<StoredState>): Promise<void> {
  await browser.storage.local.set(update);
}

const saveFlow = (flow: FlowState) => write({ flow });

/** The workspace client, once the admin has configured it and granted its origin. */
async function workspaceApi(settings: Settings | undefined) {
  if (!settings) return { ok: false as const, error: appError('not-configured') };
  const url = parseWorkspaceUrl(settings.workspaceUrl);
  if (!url.ok) return { ok: false as const, error: appError('not-configured', url.error) };
  const granted = await browser.permissions.contains({ origins: [originPattern(url.value)] });
  if (!granted) return { ok: false as const, error: appError('permission-denied') };
  return { ok: true as const, api: createWorkspaceApi({ baseUrl: url.value.href, token: settings.token }) };
}

async function checkProfile(): Promise<CommandReply> {
  const { settings } = await read();
  await write({ profile: { status: 'checking' } });
  const client = await workspaceApi(settings);
  if (!client.ok) {
    await write({ profile: { status: 'failed', error: client.error, checkedAt: Date.now() } });
    return { ok: false, error: client.error };
  }
  const me = await client.api.getMe();
  await write({
    profile: me.ok
      ? { status: 'ready', me: me.value, checkedAt: Date.now() }
      : { status: 'failed', error: me.error, checkedAt: Date.now() },
  });
  return me.ok ? { ok: true } : { ok: false, error: me.error };
}

/** The flow this worker is running; a flow in storage without one here was cut off. */
let runningFlow: Promise<FlowState> | null = null;

async function startFlow(request: FlowRequest): Promise<CommandReply> {
  if (runningFlow) return { ok: true };
  const { settings } = await read();
  const client = await workspaceApi(settings);
  if (!client.ok) return reportFailure(request, client.error);
  runningFlow = runConnectFlow(request, {
    api: client.api,
    redirectUri: browser.identity.getRedirectURL(REDIRECT_PATH),
    allowLoopbackStripe: __ALLOW_LOOPBACK_STRIPE__,
    launchWebAuthFlow: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
    newId: () => crypto.randomUUID(),
    now: () => Date.now(),
    save: saveFlow,
  }).finally(() => {
    runningFlow = null;
  });
  return { ok: true };
}

async function reportFailure(request: FlowRequest, error: AppError): Promise<CommandReply> {
  const now = Date.now();
  await saveFlow({
    flowId: crypto.randomUUID(),
    kind: request.kind,
    ...(request.integrationId ? { integrationId: request.integrationId } : {}),
    startedAt: now,
    phase: 'failed',
    error,
    finishedAt: now,
  });
  return { ok: false, error };
}

async function saveSettings(workspaceUrl: string, token: string): Promise<CommandReply> {
  const url = parseWorkspaceUrl(workspaceUrl);
  if (!url.ok) return { ok: false, error: appError('not-configured', url.error) };
  await write({ settings: { workspaceUrl: url.value.href, token: token.trim() }, flow: IDLE });
  return checkProfile();
}

async function handle(command: Command): Promise<CommandReply> {
  switch (command.type) {
    case 'connect':
      return startFlow({ kind: 'connect' });
    case 'reauthenticate':
      return startFlow({ kind: 'reauthenticate', integrationId: command.integrationId });
    case 'save-settings':
      return saveSettings(command.workspaceUrl, command.token);
    case 'check-profile':
      return checkProfile();
    case 'dismiss-flow':
      if (!runningFlow) await saveFlow(IDLE);
      return { ok: true };
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Only this extension's own pages may drive it.
  if (sender.id !== browser.runtime.id) return undefined;
  const command = parseCommand(message);
  if (!command) return Promise.resolve({ ok: false, error: appError('unknown', 'bad command') });
  return handle(command);
});

/**
 * A worker that starts and finds a flow "in progress" in storage was stopped mid-flow: a kept
 * completion is sent again (the idempotency key makes that safe); anything earlier is reported.
 */
async function recoverInterruptedFlow(): Promise<void> {
  const { flow, settings } = await read();
  if (!flow || !isFlowRunning(flow) || runningFlow) return;
  if (flow.phase === 'completing') {
    const client = await workspaceApi(settings);
    if (client.ok) {
      runningFlow = finishCompletion(flow, { api: client.api, now: Date.now, save: saveFlow }).finally(
        () => {
          runningFlow = null;
        },
      );
      return;
    }
  }
  await saveFlow({
    ...flowBase(flow),
    phase: 'failed',
    error: appError('interrupted'),
    finishedAt: Date.now(),
  });
}

void recoverInterruptedFlow();
