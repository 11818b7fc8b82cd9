/**
 * Where the browser refuses to open the popup without a gesture, the outcome still reaches the
 * admin: a notification that says it (the end-to-end suites cover the popup opening by itself).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowState } from '../../src/shared/state';
import { integrationFixture } from './fixtures';

const calls: string[] = [];
let popupContexts: Array<{ documentUrl: string }> = [];
let openPopup: () => Promise<void> = async () => undefined;

vi.mock('../../src/background/browser', () => ({
  default: {
    i18n: { getMessage: (key: string, subs?: string | string[]) => `${key}(${[subs ?? []].flat().join(',')})` },
    runtime: {
      getURL: (path: string) => `ext://id/${path}`,
      getContexts: async () => popupContexts,
    },
    windows: { update: async (id: number) => void calls.push(`focus ${id}`) },
    action: { openPopup: (options: { windowId?: number }) => (calls.push(`openPopup ${options.windowId}`), openPopup()) },
    notifications: {
      create: async (id: string, options: { title: string; message: string }) =>
        void calls.push(`notify ${id}: ${options.title} — ${options.message}`),
    },
  },
}));

const { bringOutcomeToAdmin } = await import('../../src/background/outcome');

const base = { flowId: 'f1', kind: 'connect', startedAt: 1 } as const;
const succeeded: FlowState = {
  ...base,
  phase: 'succeeded',
  integration: integrationFixture({ stripeAccountName: 'Acme Store' }),
  finishedAt: 2,
};
const failed: FlowState = { ...base, phase: 'failed', error: { code: 'window-closed' }, finishedAt: 2 };

describe('bringOutcomeToAdmin', () => {
  beforeEach(() => {
    calls.length = 0;
    popupContexts = [];
    openPopup = async () => undefined;
  });

  it('opens the popup in the window the flow started from', async () => {
    await bringOutcomeToAdmin(succeeded, 7);
    expect(calls).toEqual(['focus 7', 'openPopup 7']);
  });

  it('notifies instead where the browser refuses to open the popup, success and failure alike', async () => {
    openPopup = async () => {
      throw new Error('openPopup requires a user gesture');
    };
    await bringOutcomeToAdmin(succeeded, 7);
    await bringOutcomeToAdmin(failed, 7);
    expect(calls.filter((c) => c.startsWith('notify'))).toEqual([
      'notify flow-outcome:f1: outcomeConnectedTitle(Acme Store) — outcomeConnectedMessage(acct_1,testMode())',
      'notify flow-outcome:f1: outcomeFailedTitle() — error_window_closed()',
    ]);
  });

  it('does nothing when a popup page already shows it, or while the flow still runs', async () => {
    popupContexts = [{ documentUrl: 'ext://id/src/popup/index.html' }];
    await bringOutcomeToAdmin(succeeded, 7);
    popupContexts = [];
    await bringOutcomeToAdmin({ ...base, phase: 'authorizing', sessionId: 'cs' }, 7);
    expect(calls).toEqual([]);
  });
});
