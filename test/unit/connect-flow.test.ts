import { describe, expect, it } from 'vitest';
import { classifyWebAuthFlowError, finishCompletion, runConnectFlow, type FlowDeps } from '../../src/shared/connect-flow';
import type { AppError } from '../../src/shared/errors';
import { err, ok } from '../../src/shared/result';
import type { Integration } from '../../src/shared/schemas';
import type { FlowState } from '../../src/shared/state';
import type { WorkspaceApi } from '../../src/shared/workspace-api';
import { integrationFixture, REDIRECT_URI } from './fixtures';

const REDIRECT = REDIRECT_URI;
const STATE = 'state-0123456789abcdef';
const AUTHORIZE = `https://connect.stripe.com/oauth/authorize?response_type=code&client_id=ca_1&scope=read_only&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${STATE}`;
const integration = integrationFixture();

function world(overrides: { authorizeUrl?: string; redirect?: string | Error; complete?: Integration | AppError } = {}) {
  const saved: FlowState[] = [];
  const completions: Array<{ body: unknown; key: string }> = [];
  let n = 0;
  const api: Partial<WorkspaceApi> = {
    createConnectSession: async () =>
      ok({ id: 'cs_1', authorizeUrl: overrides.authorizeUrl ?? AUTHORIZE, expiresAt: '2026-11-24T10:15:00.000Z', lifetimeMs: 900_000 }),
    completeConnectSession: async (_id, body, key) => {
      completions.push({ body, key });
      if ('error' in body) return ok(null);
      const answer = overrides.complete ?? integration;
      return 'code' in answer && !('id' in answer) ? err(answer) : ok(answer as Integration);
    },
  };
  const deps: FlowDeps = {
    api: api as WorkspaceApi,
    redirectUri: REDIRECT,
    allowLoopbackStripe: false,
    launchWebAuthFlow: async () => {
      const redirect = overrides.redirect ?? `${REDIRECT}?code=ac_1&scope=read_only&state=${STATE}`;
      if (redirect instanceof Error) throw redirect;
      return redirect;
    },
    timeout: () => new AbortController().signal,
    newId: () => `id-${++n}`,
    now: () => 1000,
    save: async (state) => void saved.push(state),
    sleep: async () => undefined,
  };
  return { deps, saved, completions };
}

describe('runConnectFlow', () => {
  it('goes starting → authorizing → completing → succeeded, keeping the completion until it lands', async () => {
    const { deps, saved, completions } = world();
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(saved.map((s) => s.phase)).toEqual(['starting', 'authorizing', 'completing', 'succeeded']);
    expect(saved[2]).toMatchObject({ pending: { sessionId: 'cs_1', body: { code: 'ac_1', state: STATE } } });
    expect(final).toMatchObject({ phase: 'succeeded', integration });
    expect(completions).toHaveLength(1);
    expect(completions[0]!.key).toBe((saved[2] as Extract<FlowState, { phase: 'completing' }>).pending.idempotencyKey);
  });

  it('asks for the completion to be kept before sending it, without waiting for the write (issue #18)', async () => {
    const { deps, completions } = world();
    const events: string[] = [];
    let landCompleting!: () => void;
    deps.save = (state) => {
      events.push(`save ${state.phase}`);
      // The completion's write lands only when the test says: the request must not wait for it.
      return state.phase === 'completing' ? new Promise<void>((resolve) => (landCompleting = resolve)) : Promise.resolve();
    };
    const complete = deps.api.completeConnectSession.bind(deps.api);
    deps.api.completeConnectSession = (...args) => {
      events.push('send completion');
      return complete(...args);
    };
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(final.phase).toBe('succeeded');
    expect(events).toEqual(['save starting', 'save authorizing', 'save completing', 'send completion', 'save succeeded']);
    expect(completions).toHaveLength(1);
    landCompleting();
  });

  it('sends the completion even when keeping it fails', async () => {
    const { deps, completions } = world();
    const save = deps.save;
    deps.save = (state) => (state.phase === 'completing' ? Promise.reject(new Error('QUOTA_BYTES quota exceeded')) : save(state));
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(final).toMatchObject({ phase: 'succeeded', integration });
    expect(completions).toHaveLength(1);
  });

  it('never opens an untrusted authorize URL', async () => {
    let opened = false;
    const { deps } = world({ authorizeUrl: AUTHORIZE.replace('connect.stripe.com', 'connect.stripe.evil') });
    deps.launchWebAuthFlow = async () => {
      opened = true;
      return '';
    };
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(opened).toBe(false);
    expect(final).toMatchObject({ phase: 'failed', error: { code: 'untrusted-authorize-url' } });
  });

  it.each([
    ['the window closed (Chromium)', new Error('The user did not approve access.'), 'window-closed'],
    ['the window closed (Firefox)', new Error('User cancelled or denied access.'), 'window-closed'],
    ['an authorize page that cannot load', new Error('Authorization page could not be loaded.'), 'stripe-error'],
    ['access denied', `${REDIRECT}?error=access_denied&state=${STATE}`, 'access-denied'],
    ['another Stripe error', `${REDIRECT}?error=invalid_scope&state=${STATE}`, 'stripe-error'],
    ['a tampered state', `${REDIRECT}?code=ac_1&state=forged`, 'state-mismatch'],
  ])('reports %s without completing a grant', async (_name, redirect, code) => {
    const { deps, completions } = world({ redirect });
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(final).toMatchObject({ phase: 'failed', error: { code } });
    expect(completions.filter((c) => 'code' in (c.body as object))).toEqual([]);
  });

  it('tells the workspace about a denial so it can close the session', async () => {
    const { deps, completions } = world({ redirect: `${REDIRECT}?error=access_denied&error_description=nope&state=${STATE}` });
    await runConnectFlow({ kind: 'connect' }, deps);
    expect(completions[0]!.body).toEqual({ error: 'access_denied', errorDescription: 'nope', state: STATE });
  });

  it('reports what the workspace refused', async () => {
    const { deps } = world({ complete: { code: 'account-mismatch' } });
    const final = await runConnectFlow({ kind: 'reauthenticate', integrationId: 'int_1' }, deps);
    expect(final).toMatchObject({ phase: 'failed', kind: 'reauthenticate', integrationId: 'int_1', error: { code: 'account-mismatch' } });
  });

  it('finishes a kept completion with the same idempotency key', async () => {
    const { deps, completions } = world();
    const pending = { sessionId: 'cs_1', body: { code: 'ac_1', state: STATE }, idempotencyKey: 'kept-key', grantedAt: 1000, attempts: 0 };
    const final = await finishCompletion({ flowId: 'f', kind: 'connect', startedAt: 1, phase: 'completing', pending }, deps);
    expect(final.phase).toBe('succeeded');
    expect(completions).toEqual([{ body: pending.body, key: 'kept-key' }]);
  });
});

describe('a slow workspace, a cancel, an expired session', () => {
  it('a completion that times out and then meets its own first attempt still running ends in one success', async () => {
    const { deps, saved } = world();
    const answers: AppError[] = [
      { code: 'timeout', detail: 'POST complete' },
      { code: 'in-progress', retryAfterSeconds: 1 },
      { code: 'in-progress', retryAfterSeconds: 1 },
    ];
    const keys: string[] = [];
    const slept: number[] = [];
    deps.api.completeConnectSession = async (_id, _body, key) => {
      keys.push(key);
      const next = answers.shift();
      return next ? err(next) : ok(integration);
    };
    deps.sleep = async (ms) => void slept.push(ms);
    const final = await runConnectFlow({ kind: 'connect' }, deps);
    expect(final).toMatchObject({ phase: 'succeeded', integration });
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(4);
    // After the timeout, backoff; then exactly the Retry-After the workspace asked for.
    expect(slept.slice(1)).toEqual([1000, 1000]);
    expect(saved.filter((s) => s.phase === 'failed')).toEqual([]);
  });

  it('Cancel while the Stripe window is open closes it and says so; nothing is completed', async () => {
    const { deps, completions } = world();
    const cancel = new AbortController();
    let closedWith: AbortSignal | null = null;
    deps.launchWebAuthFlow = (_url, { signal }) =>
      new Promise((_resolve, reject) => {
        closedWith = signal;
        signal.addEventListener('abort', () => reject(new Error('User cancelled or denied access.')));
        setTimeout(() => cancel.abort(), 1);
      });
    const final = await runConnectFlow({ kind: 'connect' }, deps, cancel.signal);
    expect(final).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    expect(closedWith!.aborted).toBe(true);
    expect(completions).toEqual([]);
  });

  it('Cancel ends the flow even when the window never answers (a lost window)', async () => {
    const { deps } = world();
    const cancel = new AbortController();
    deps.launchWebAuthFlow = () => {
      setTimeout(() => cancel.abort(), 1);
      return new Promise(() => undefined);
    };
    expect(await runConnectFlow({ kind: 'connect' }, deps, cancel.signal)).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
  });

  it('Cancel while the connect session is being created does not open Stripe', async () => {
    const { deps } = world();
    const cancel = new AbortController();
    let opened = false;
    deps.api.createConnectSession = () => {
      cancel.abort();
      return new Promise(() => undefined);
    };
    deps.launchWebAuthFlow = async () => {
      opened = true;
      return '';
    };
    expect(await runConnectFlow({ kind: 'connect' }, deps, cancel.signal)).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    expect(opened).toBe(false);
  });

  it('the Stripe window closes when the connect session expires, for its lifetime on the workspace’s clock', async () => {
    const { deps } = world();
    let asked = -1;
    const expiry = new AbortController();
    deps.timeout = (ms) => {
      asked = ms;
      return expiry.signal;
    };
    deps.launchWebAuthFlow = (_url, { signal }) => {
      setTimeout(() => expiry.abort(), 1);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('closed'))));
    };
    expect(await runConnectFlow({ kind: 'connect' }, deps)).toMatchObject({ phase: 'failed', error: { code: 'session-expired' } });
    expect(asked).toBe(900_000);
  });

  it('keeps the Stripe window’s id with the flow, so a restarted worker can close it', async () => {
    const { deps, saved } = world();
    const launch = deps.launchWebAuthFlow;
    deps.launchWebAuthFlow = async (url, control) => {
      control.onWindow(42);
      return launch(url, control);
    };
    await runConnectFlow({ kind: 'connect' }, deps);
    expect(saved.find((s) => s.phase === 'authorizing' && s.windowId === 42)).toBeDefined();
  });
});

describe('classifyWebAuthFlowError', () => {
  it('knows an unexpected failure from a closed window', () => {
    expect(classifyWebAuthFlowError(new Error('Only one web auth flow is allowed at a time.')).code).toBe('unknown');
  });
});
