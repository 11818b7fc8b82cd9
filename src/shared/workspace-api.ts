/**
 * The workspace API client: one place that turns HTTP into typed values. Every answer is validated
 * against its schema; every failure becomes an AppError. No `browser.*` here: the caller hands in
 * `fetch`, so the same client runs in the service worker, in unit tests and in the benchmark.
 */
import * as v from 'valibot';
import { appError, type AppError } from './errors';
import { err, ok, type Result } from './result';
import { classifyProblem, type WorkspaceCall } from './problems';
import {
  ConnectSessionSchema,
  IntegrationListSchema,
  IntegrationSchema,
  MeSchema,
  ProblemSchema,
  readIntegrations,
  type ConnectSession,
  type Integration,
  type Me,
  type Problem,
  type StripeMode,
} from './schemas';

export interface WorkspaceApiOptions {
  /** The workspace origin (and optional base path), e.g. `https://acme.example.com`. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Abort a call that takes longer than this; the admin then sees "the workspace is slow". */
  timeoutMs?: number;
  /** The admin's language, so that the workspace words its reasons in it. */
  language?: string;
  /**
   * A signed-in admin's access token can run out before the browser thinks it has (clocks differ):
   * on a 401 the call asks for a new one, once, and is sent again with it.
   */
  renewToken?: (refused: string) => Promise<Result<string, AppError>>;
  /** Told of every failure, so that the profile shown follows the last answer (a 401 signs out). */
  onFailure?: (error: AppError, call: WorkspaceCall) => void;
}

export type ApiResult<T> = Promise<Result<T, AppError>>;

export type CompletionBody = { code: string; state: string } | { error: string; errorDescription?: string; state?: string };

export type IntegrationListAnswer =
  { changed: true; integrations: Integration[]; unreadable: number; etag: string | null } | { changed: false };

export interface WorkspaceApi {
  getMe(): ApiResult<Me>;
  listIntegrations(etag?: string | null): ApiResult<IntegrationListAnswer>;
  createConnectSession(input: { redirectUri: string; integrationId?: string; mode?: StripeMode }): ApiResult<TimedConnectSession>;
  completeConnectSession(sessionId: string, body: CompletionBody, idempotencyKey: string): ApiResult<Integration | null>;
  deleteIntegration(integrationId: string): ApiResult<void>;
}

/**
 * A connect session and how long it lives, measured on the workspace's clock (its `Date` header),
 * so that a browser clock that is off does not cut the Stripe window short.
 */
export type TimedConnectSession = ConnectSession & { lifetimeMs: number };

export const DEFAULT_TIMEOUT_MS = 15_000;
/** A list that keeps changing while it is read is read again at most this many times. */
const LIST_ATTEMPTS = 3;
/** Pages followed at most (a workspace repeating a cursor must not keep the worker busy forever). */
const MAX_PAGES = 1000;

export function createWorkspaceApi(options: WorkspaceApiOptions): WorkspaceApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = new URL(options.baseUrl);
  let token = options.token;

  async function send(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Result<Response, AppError>> {
    const sent = await sendOnce(method, path, init);
    if (!sent.ok || sent.value.status !== 401 || !options.renewToken) return sent;
    const renewed = await options.renewToken(token);
    if (!renewed.ok) return renewed;
    token = renewed.value;
    return sendOnce(method, path, init);
  }

  async function sendOnce(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Result<Response, AppError>> {
    const url = new URL(path, base);
    // The token goes to the workspace origin and nowhere else.
    if (url.origin !== base.origin) return err(appError('unknown', 'cross-origin path'));
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      Authorization: `Bearer ${token}`,
      ...(options.language ? { 'Accept-Language': options.language } : {}),
      ...init.headers,
    };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await doFetch(url, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: controller.signal,
        credentials: 'omit',
        redirect: 'error',
        cache: 'no-store',
      });
      return ok(response);
    } catch (cause) {
      if (controller.signal.aborted) return err(appError('timeout', `${method} ${url.pathname}`));
      return err(appError('workspace-unreachable', describe(cause)));
    } finally {
      clearTimeout(timer);
    }
  }

  async function readJson<S extends v.GenericSchema>(response: Response, schema: S): Promise<Result<v.InferOutput<S>, AppError>> {
    let data: unknown;
    try {
      data = await response.json();
    } catch {
      return err(appError('bad-response', `HTTP ${response.status}: not JSON`));
    }
    const parsed = v.safeParse(schema, data);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return err(appError('bad-response', `${where ? `${where}: ` : ''}${issue.message}`));
    }
    return ok(parsed.output);
  }

  /** A failed answer, reported to `onFailure` on its way out. */
  async function failed(response: Response, call: WorkspaceCall): Promise<{ ok: false; error: AppError }> {
    const error = await failureOf(response, call);
    options.onFailure?.(error, call);
    return err(error);
  }

  async function request<S extends v.GenericSchema>(
    method: string,
    path: string,
    call: WorkspaceCall,
    schema: S,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): ApiResult<v.InferOutput<S>> {
    const sent = await send(method, path, init);
    if (!sent.ok) return sent;
    if (!sent.value.ok) return failed(sent.value, call);
    return readJson(sent.value, schema);
  }

  return {
    getMe: () => request('GET', 'api/v1/me', 'profile', MeSchema),

    async listIntegrations(etag) {
      // Every page of an unchanged list carries the list's ETag; one that changes between pages
      // is read again from the start (a few times, then taken as it is, with no ETag to reuse).
      let latest: { items: unknown[]; etag: string | null } = { items: [], etag: null };
      for (let attempt = 0; attempt < LIST_ATTEMPTS; attempt++) {
        const items: unknown[] = [];
        let firstEtag: string | null = null;
        let cursor: string | null = null;
        let consistent = true;
        for (let page = 0; ; page++) {
          if (page === MAX_PAGES) return err(appError('bad-response', `more than ${MAX_PAGES} pages of integrations`));
          const sent = await send('GET', cursor ? `api/v1/integrations?cursor=${encodeURIComponent(cursor)}` : 'api/v1/integrations', {
            headers: page === 0 && etag ? { 'If-None-Match': etag } : {},
          });
          if (!sent.ok) return sent;
          const response = sent.value;
          if (response.status === 304 && page === 0) return ok({ changed: false });
          if (!response.ok) return failed(response, 'list');
          const list = await readJson(response, IntegrationListSchema);
          if (!list.ok) return list;
          items.push(...list.value.integrations);
          const pageEtag = response.headers.get('ETag');
          if (page === 0) firstEtag = pageEtag;
          else if (pageEtag !== firstEtag) consistent = false;
          cursor = list.value.nextCursor ?? null;
          if (cursor === null || !consistent) break;
        }
        latest = { items, etag: consistent ? firstEtag : null };
        if (consistent) break;
      }
      return ok({ changed: true, ...readIntegrations(latest.items), etag: latest.etag });
    },

    async createConnectSession({ redirectUri, integrationId, mode }) {
      const sent = await send('POST', 'api/v1/connect-sessions', {
        body: { provider: 'stripe', redirectUri, ...(integrationId ? { integrationId } : {}), ...(mode ? { mode } : {}) },
      });
      if (!sent.ok) return sent;
      const response = sent.value;
      if (!response.ok) return failed(response, integrationId ? 'reauthenticate-session' : 'create-session');
      const session = await readJson(response, ConnectSessionSchema);
      if (!session.ok) return session;
      const serverNow = Date.parse(response.headers.get('Date') ?? '');
      const lifetimeMs = Date.parse(session.value.expiresAt) - (Number.isNaN(serverNow) ? Date.now() : serverNow);
      return ok({ ...session.value, lifetimeMs });
    },

    async completeConnectSession(sessionId, body, idempotencyKey) {
      const path = `api/v1/connect-sessions/${encodeURIComponent(sessionId)}/complete`;
      const sent = await send('POST', path, {
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      if (!sent.ok) return sent;
      const response = sent.value;
      if (!response.ok) return failed(response, 'complete-session');
      // A reported denial closes the session and has no integration to answer with.
      if (response.status === 204) return ok(null);
      return readJson(response, IntegrationSchema);
    },

    async deleteIntegration(integrationId) {
      const sent = await send('DELETE', `api/v1/integrations/${encodeURIComponent(integrationId)}`);
      if (!sent.ok) return sent;
      if (!sent.value.ok) return failed(sent.value, 'delete-integration');
      return ok(undefined);
    },
  };
}

/** Maps a non-2xx answer to the error the admin needs to act on (see problems.ts). */
export async function failureOf(response: Response, call: WorkspaceCall): Promise<AppError> {
  const problem = await readProblem(response);
  const detail = problem?.detail ?? problem?.title ?? `HTTP ${response.status}`;
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  const error = appError(classifyProblem(call, response.status, problem?.code, retryAfter !== null), detail);
  return retryAfter === null ? error : { ...error, retryAfterSeconds: retryAfter };
}

async function readProblem(response: Response): Promise<Problem | null> {
  try {
    const parsed = v.safeParse(ProblemSchema, await response.json());
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
