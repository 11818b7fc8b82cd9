import { describe, expect, it } from 'vitest';
import { finishCompletion } from '../../src/shared/connect-flow';
import { appError, type AppError } from '../../src/shared/errors';
import { err, ok } from '../../src/shared/result';
import { CODE_LIFETIME_MS, nextRetryDelay } from '../../src/shared/retry';
import type { Integration } from '../../src/shared/schemas';
import type { FlowState } from '../../src/shared/state';
import type { WorkspaceApi } from '../../src/shared/workspace-api';

const half = () => 0.5;

describe('nextRetryDelay', () => {
  it('backs off exponentially with jitter, up to 30 s', () => {
    const unreachable = appError('workspace-unreachable');
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => nextRetryDelay(n, unreachable, 0, 0, half))).toEqual([
      750, 1500, 3000, 6000, 12000, 22500, 22500,
    ]);
  });

  it('honours Retry-After exactly', () => {
    expect(nextRetryDelay(0, { code: 'rate-limited', retryAfterSeconds: 7 }, 0, 0)).toBe(7000);
  });

  it('gives up once the Stripe code would have expired', () => {
    const timeout = appError('timeout');
    expect(nextRetryDelay(0, timeout, 0, CODE_LIFETIME_MS - 100, half)).toBeNull();
    expect(nextRetryDelay(0, { code: 'rate-limited', retryAfterSeconds: 400 }, 0, 0)).toBeNull();
  });

  it('never retries what a retry cannot fix', () => {
    for (const code of ['unauthorized', 'forbidden', 'session-expired', 'account-mismatch', 'state-mismatch', 'bad-response'] as const) {
      expect(nextRetryDelay(0, appError(code), 0, 0)).toBeNull();
    }
  });
});

describe('finishCompletion', () => {
  const integration = { id: 'int_1' } as Integration;
  function run(answers: Array<Integration | AppError>) {
    const keys: string[] = [];
    const saved: FlowState[] = [];
    const slept: number[] = [];
    let clock = 0;
    const api = {
      completeConnectSession: async (_id: string, _body: unknown, key: string) => {
        keys.push(key);
        const answer = answers.shift()!;
        return 'code' in answer ? err(answer) : ok(answer);
      },
    } as unknown as WorkspaceApi;
    const flow: Extract<FlowState, { phase: 'completing' }> = {
      flowId: 'f',
      kind: 'connect',
      startedAt: 0,
      phase: 'completing',
      pending: { sessionId: 'cs', body: { code: 'ac_1', state: 's' }, idempotencyKey: 'the-key', grantedAt: 0, attempts: 0 },
    };
    const result = finishCompletion(flow, {
      api,
      now: () => clock,
      save: async (state) => void saved.push(state),
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    return { result, keys, saved, slept };
  }

  it('retries a network failure, a 5xx and a 429 with the same idempotency key until it lands', async () => {
    const { result, keys, saved, slept } = run([
      appError('workspace-unreachable'),
      appError('server-error'),
      { code: 'rate-limited', retryAfterSeconds: 2 },
      integration,
    ]);
    expect(await result).toMatchObject({ phase: 'succeeded', integration });
    expect(keys).toEqual(['the-key', 'the-key', 'the-key', 'the-key']);
    expect(slept[2]).toBe(2000);
    expect(saved.slice(0, 3).map((s) => s.phase === 'completing' && s.pending.attempts)).toEqual([1, 2, 3]);
  });

  it('stops at an error a retry cannot fix', async () => {
    const { result, keys } = run([appError('server-error'), appError('session-expired')]);
    expect(await result).toMatchObject({ phase: 'failed', error: { code: 'session-expired' } });
    expect(keys).toHaveLength(2);
  });

  it('stops when the code has surely expired', async () => {
    const answers = Array.from({ length: 100 }, () => appError('timeout'));
    const { result, slept } = run(answers);
    expect(await result).toMatchObject({ phase: 'failed', error: { code: 'timeout' } });
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThan(CODE_LIFETIME_MS);
  });
});
