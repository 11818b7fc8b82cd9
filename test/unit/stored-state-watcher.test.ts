/**
 * How pages follow the stored state (src/ui/stored-state.ts), with an in-memory browser: the first
 * read, every change, and the read-backs that cover a change event the browser did not deliver.
 */
import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredState } from '../../src/shared/state';

vi.mock('../../src/ui/browser', () => ({ default: fakeBrowser }));

const load = async () => {
  vi.resetModules();
  return { watcher: await import('../../src/ui/stored-state'), commands: await import('../../src/ui/commands') };
};

/** Calls until the next one, and waits for one that matches. */
function recorder() {
  const seen: StoredState[] = [];
  return {
    seen,
    listener: (state: StoredState) => seen.push(state),
    until: (matches: (state: StoredState) => boolean) =>
      vi.waitFor(() => expect(seen.some(matches)).toBe(true), { timeout: 3000, interval: 5 }),
  };
}

const starting = { phase: 'starting', flowId: 'f', kind: 'connect', startedAt: 1 } as const;

beforeEach(() => {
  fakeBrowser.reset();
  // The page is shown (the node test environment has no document).
  vi.stubGlobal('document', { visibilityState: 'visible' });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('watchStoredState', () => {
  it('publishes the first read, then each change', async () => {
    await fakeBrowser.storage.local.set({ healthCheckMinutes: 1 });
    const { watcher } = await load();
    const calls = recorder();
    const stop = watcher.watchStoredState(calls.listener);
    await calls.until((s) => s.healthCheckMinutes === 1);
    await fakeBrowser.storage.local.set({ healthCheckMinutes: 2 });
    await calls.until((s) => s.healthCheckMinutes === 2);
    stop();
  });

  it('with change events missing, a command reply reads storage back, and an unchanged state publishes nothing', async () => {
    // A browser that never delivers onChanged to this page (what Firefox was seen to do).
    vi.spyOn(fakeBrowser.storage.onChanged, 'addListener').mockImplementation(() => undefined);
    // The worker's reply; fake-browser hands back what its listener returns.
    fakeBrowser.runtime.onMessage.addListener(() => ({ ok: true }) as never);
    const { watcher, commands } = await load();
    const calls = recorder();
    const stop = watcher.watchStoredState(calls.listener);
    await calls.until(() => true);
    await fakeBrowser.storage.local.set({ healthCheckMinutes: 3 });
    await commands.sendCommand({ type: 'check-health' });
    await calls.until((s) => s.healthCheckMinutes === 3);
    const count = calls.seen.length;
    watcher.readBack();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.seen).toHaveLength(count);
    stop();
  });

  it('with change events missing, a running flow is read back every second until it ends', async () => {
    vi.spyOn(fakeBrowser.storage.onChanged, 'addListener').mockImplementation(() => undefined);
    await fakeBrowser.storage.local.set({ flow: starting });
    const { watcher } = await load();
    const calls = recorder();
    const stop = watcher.watchStoredState(calls.listener);
    await calls.until((s) => s.flow?.phase === 'starting');
    await fakeBrowser.storage.local.set({ flow: { phase: 'idle' } });
    // No event, no command: only the flow's read-back can bring the end of the flow.
    await calls.until((s) => s.flow?.phase === 'idle');
    const count = calls.seen.length;
    await fakeBrowser.storage.local.set({ healthCheckMinutes: 4 });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(calls.seen).toHaveLength(count); // no flow, no more polling
    stop();
  });

  it('with change events missing and no flow, a visible page still shows a change within five seconds; a hidden one waits', async () => {
    vi.spyOn(fakeBrowser.storage.onChanged, 'addListener').mockImplementation(() => undefined);
    vi.useFakeTimers();
    const { watcher } = await load();
    const calls = recorder();
    const stop = watcher.watchStoredState(calls.listener);
    await vi.advanceTimersByTimeAsync(10);
    await fakeBrowser.storage.local.set({ healthCheckMinutes: 5 });
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.seen.some((s) => s.healthCheckMinutes === 5)).toBe(false);
    vi.stubGlobal('document', { visibilityState: 'visible' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.seen.some((s) => s.healthCheckMinutes === 5)).toBe(true);
    stop();
  });
});
