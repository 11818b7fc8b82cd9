/**
 * The error taxonomy written in the contract (openapi/workspace-api.yaml) and the one the client
 * runs are the same table: a code or status documented there means the same here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../src/shared/error-codes';
import { appError, type AppErrorCode } from '../../src/shared/errors';
import { classifyProblem, PROBLEM_CODES, statusMeaning, type WorkspaceCall } from '../../src/shared/problems';
import { isRetryable } from '../../src/shared/retry';

const openapi = parse(readFileSync(resolve(import.meta.dirname, '../../openapi/workspace-api.yaml'), 'utf8')) as {
  'x-problem-codes': Record<string, { status: number; error: AppErrorCode; retried: boolean }>;
  'x-status-meanings': Record<string, Record<string, unknown>>;
};

describe('error taxonomy', () => {
  const documented = openapi['x-problem-codes'];

  it('documents exactly the problem codes the client knows', () => {
    expect(Object.keys(documented).sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
  });

  it.each(Object.entries(documented))('%s means what the contract says, and is retried as it says', (code, row) => {
    expect(APP_ERROR_CODES).toContain(row.error);
    expect(classifyProblem('complete-session', row.status, code, row.status === 409)).toBe(row.error);
    expect(isRetryable(appError(row.error))).toBe(row.retried);
  });

  it('falls back to the status for each call as the contract says', () => {
    const byOperation: Record<string, WorkspaceCall> = {
      getMe: 'profile',
      listIntegrations: 'list',
      createConnectSession: 'create-session',
      'createConnectSession+integrationId': 'reauthenticate-session',
      completeConnectSession: 'complete-session',
      deleteIntegration: 'delete-integration',
    };
    for (const [operation, error] of Object.entries(openapi['x-status-meanings']['404']!)) {
      expect(statusMeaning(byOperation[operation]!, 404, false), operation).toBe(error);
    }
    const calls = Object.values(byOperation);
    for (const call of calls) {
      expect(classifyProblem(call, 401, 'brand_new_code', false)).toBe('unauthorized');
      expect(classifyProblem(call, 403, undefined, false)).toBe('forbidden');
      expect(classifyProblem(call, 409, 'brand_new_code', false)).toBe('rejected');
      expect(classifyProblem(call, 409, 'brand_new_code', true)).toBe('in-progress');
      expect(classifyProblem(call, 410, undefined, false)).toBe('session-expired');
      expect(classifyProblem(call, 429, undefined, false)).toBe('rate-limited');
      expect(classifyProblem(call, 503, 'maintenance', true)).toBe('server-error');
      expect(classifyProblem(call, 418, undefined, false)).toBe('rejected');
    }
  });

  it('retries exactly the transient ones', () => {
    const retried = APP_ERROR_CODES.filter((code) => isRetryable(appError(code)));
    expect(retried.sort()).toEqual(['in-progress', 'rate-limited', 'server-error', 'timeout', 'workspace-unreachable']);
  });
});
