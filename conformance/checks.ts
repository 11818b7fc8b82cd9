/**
 * The conformance kit: checks any implementation of the workspace contract
 * (openapi/workspace-api.yaml) from the outside, over HTTP, with an admin token. Each check says
 * pass, fail (with what differed) or skip (what it needs to run).
 */
import { checkAgainstContract } from './contract';

export type Verdict = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  verdict: Verdict;
  detail: string;
}

export interface ConformanceOptions {
  workspaceUrl: string;
  adminToken: string;
  /** A member who is not an admin: the admin gate is checked only with one. */
  standardToken?: string;
  /** What the workspace must accept as the extension's redirect URI. */
  redirectUri?: string;
  fetch?: typeof fetch;
}

/** A Chromium identity redirect URI of the shape every workspace must accept. */
const DEFAULT_REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/stripe';

class CheckFailed extends Error {}
class CheckSkipped extends Error {}

export async function runConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const base = new URL(options.workspaceUrl.endsWith('/') ? options.workspaceUrl : `${options.workspaceUrl}/`);
  const doFetch = options.fetch ?? fetch;
  const redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URI;

  async function call(
    method: string,
    path: string,
    init: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const token = init.token === undefined ? options.adminToken : init.token;
    return doFetch(new URL(path.replace(/^\//, ''), base), {
      method,
      headers: {
        Accept: 'application/json',
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  /** The answer, held to the contract: any difference fails the check. */
  async function documented(method: string, template: string, response: Response, expectStatus?: number | number[]) {
    const wanted = expectStatus === undefined ? null : [expectStatus].flat();
    if (wanted && !wanted.includes(response.status)) {
      const text = await response.text();
      throw new CheckFailed(`${method} ${template}: expected ${wanted.join(' or ')}, got ${response.status} ${text.slice(0, 200)}`);
    }
    const { body, problems } = await checkAgainstContract(method, template, response);
    if (problems.length > 0) throw new CheckFailed(problems.join('; '));
    return body as any;
  }

  function expectCode(body: any, code: string, what: string) {
    if (body?.code !== code) throw new CheckFailed(`${what}: problem code ${JSON.stringify(body?.code)}, expected ${code}`);
  }

  async function newSession() {
    const body = await documented(
      'POST',
      '/api/v1/connect-sessions',
      await call('POST', 'api/v1/connect-sessions', { body: { provider: 'stripe', redirectUri } }),
      201,
    );
    return body as { id: string; authorizeUrl: string };
  }

  const complete = (sessionId: string, body: unknown, key: string | null) =>
    call('POST', `api/v1/connect-sessions/${encodeURIComponent(sessionId)}/complete`, {
      body,
      ...(key === null ? {} : { headers: { 'Idempotency-Key': key } }),
    });
  const COMPLETE = '/api/v1/connect-sessions/{sessionId}/complete';
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  const checks: Array<[string, () => Promise<string>]> = [
    [
      'profile: who the token belongs to',
      async () => {
        const me = await documented('GET', '/api/v1/me', await call('GET', 'api/v1/me'), 200);
        if (me.role !== 'admin') throw new CheckFailed(`role is ${me.role}: run the kit with an admin token`);
        return `${me.user.name} in ${me.workspace.name}`;
      },
    ],
    [
      'problem+json: a missing and a wrong token are refused with 401',
      async () => {
        const missing = await call('GET', 'api/v1/me', { token: null });
        if (!/^Bearer\b/i.test(missing.headers.get('www-authenticate') ?? ''))
          throw new CheckFailed('401 without WWW-Authenticate: Bearer');
        expectCode(await documented('GET', '/api/v1/me', missing, 401), 'unauthenticated', 'no token');
        expectCode(
          await documented('GET', '/api/v1/me', await call('GET', 'api/v1/me', { token: `wc_conformance_${run}` }), 401),
          'invalid_token',
          'wrong token',
        );
        return 'unauthenticated, invalid_token';
      },
    ],
    [
      'list: shape, ETag and 304',
      async () => {
        const first = await call('GET', 'api/v1/integrations');
        const etag = first.headers.get('etag');
        const list = await documented('GET', '/api/v1/integrations', first, 200);
        if (!etag) throw new CheckFailed('no ETag on the list');
        const again = await call('GET', 'api/v1/integrations', { headers: { 'If-None-Match': etag } });
        await documented('GET', '/api/v1/integrations', again, 304);
        return `${list.integrations.length} on the first page, ETag ${etag}`;
      },
    ],
    [
      'list: pagination (limit + cursor)',
      async () => {
        const seen = new Set<string>();
        const etags = new Set<string | null>();
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response = await call('GET', `api/v1/integrations?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          etags.add(response.headers.get('etag'));
          const page = await documented('GET', '/api/v1/integrations', response, 200);
          if (page.integrations.length > 1) throw new CheckFailed(`limit=1 answered ${page.integrations.length} integrations`);
          for (const integration of page.integrations) {
            if (seen.has(integration.id)) throw new CheckFailed(`${integration.id} on two pages`);
            seen.add(integration.id);
          }
          cursor = page.nextCursor ?? null;
          pages++;
        } while (cursor && pages < 50);
        if (pages < 2) throw new CheckSkipped('fewer than two integrations: connect two to exercise pages');
        if (etags.size !== 1) throw new CheckFailed(`pages of an unchanged list answered ${etags.size} different ETags`);
        const refused = await call('GET', 'api/v1/integrations?limit=0');
        await documented('GET', '/api/v1/integrations', refused, 422);
        return `${pages} pages of one${cursor ? ' (stopped after 50)' : ''}, no repeats, one ETag; limit=0 refused`;
      },
    ],
    [
      'connect session: created for an extension redirect URI, refused otherwise',
      async () => {
        const session = await newSession();
        const authorize = new URL(session.authorizeUrl);
        if (authorize.searchParams.get('redirect_uri') !== redirectUri)
          throw new CheckFailed('authorizeUrl does not carry the redirect URI');
        if (!authorize.searchParams.get('state')) throw new CheckFailed('authorizeUrl carries no state');
        const foreign = await call('POST', 'api/v1/connect-sessions', {
          body: { provider: 'stripe', redirectUri: 'https://attacker.example/callback' },
        });
        await documented('POST', '/api/v1/connect-sessions', foreign, 422);
        const malformed = await call('POST', 'api/v1/connect-sessions', { body: { provider: 'stripe' } });
        await documented('POST', '/api/v1/connect-sessions', malformed, 422);
        return `${session.id}; a foreign redirect URI and a body without redirectUri: 422`;
      },
    ],
    [
      'completion: Idempotency-Key required, replayed, and not reusable elsewhere',
      async () => {
        const session = await newSession();
        const state = new URL(session.authorizeUrl).searchParams.get('state') ?? undefined;
        const denial = { error: 'access_denied', ...(state ? { state } : {}) };
        expectCode(await documented('POST', COMPLETE, await complete(session.id, denial, null), 400), 'idempotency_key_required', 'no key');
        const key = `conformance-${run}-1`;
        const first = await complete(session.id, denial, key);
        const firstStatus = first.status;
        const firstBody = await documented('POST', COMPLETE, first, [200, 201, 204]);
        const replay = await complete(session.id, denial, key);
        if (replay.status !== firstStatus) throw new CheckFailed(`replay answered ${replay.status}, first answer was ${firstStatus}`);
        const replayBody = await documented('POST', COMPLETE, replay);
        if (JSON.stringify(replayBody) !== JSON.stringify(firstBody)) throw new CheckFailed('replay answered a different body');
        const other = await newSession();
        expectCode(
          await documented('POST', COMPLETE, await complete(other.id, denial, key), 422),
          'idempotency_key_reused',
          'key reused on another session',
        );
        return `${firstStatus}, replayed ${replay.status}; reused elsewhere: 422`;
      },
    ],
    [
      'completion: a session completes once',
      async () => {
        const session = await newSession();
        await documented('POST', COMPLETE, await complete(session.id, { error: 'access_denied' }, `conformance-${run}-2`), [200, 201, 204]);
        const second = await complete(session.id, { error: 'access_denied' }, `conformance-${run}-3`);
        expectCode(await documented('POST', COMPLETE, second, 410), 'session_closed', 'second completion');
        const unknown = await complete(`cs_conformance_${run}`, { error: 'access_denied' }, `conformance-${run}-4`);
        expectCode(await documented('POST', COMPLETE, unknown, 404), 'session_not_found', 'unknown session');
        return 'second completion: 410 session_closed; unknown session: 404';
      },
    ],
    [
      'admin gate: members who are not admins may read but not connect',
      async () => {
        if (!options.standardToken) throw new CheckSkipped('pass --standard-token <token of a non-admin member>');
        const me = await documented('GET', '/api/v1/me', await call('GET', 'api/v1/me', { token: options.standardToken }), 200);
        if (me.role === 'admin') throw new CheckFailed('the standard token belongs to an admin');
        await documented('GET', '/api/v1/integrations', await call('GET', 'api/v1/integrations', { token: options.standardToken }), 200);
        const refused = await call('POST', 'api/v1/connect-sessions', {
          token: options.standardToken,
          body: { provider: 'stripe', redirectUri },
        });
        expectCode(await documented('POST', '/api/v1/connect-sessions', refused, 403), 'admin_required', 'non-admin connect');
        return `${me.role}: list 200, connect 403 admin_required`;
      },
    ],
  ];

  const results: CheckResult[] = [];
  for (const [name, check] of checks) {
    try {
      results.push({ name, verdict: 'pass', detail: await check() });
    } catch (error) {
      const verdict: Verdict = error instanceof CheckSkipped ? 'skip' : 'fail';
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ name, verdict, detail: error instanceof CheckFailed || error instanceof CheckSkipped ? detail : `error: ${detail}` });
    }
  }
  return results;
}

/** The results as a table for a terminal. */
export function formatTable(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;
  const rows = results.map((r) => `${mark[r.verdict]}  ${r.name.padEnd(width)}  ${r.detail}`);
  const count = (verdict: Verdict) => results.filter((r) => r.verdict === verdict).length;
  return [...rows, '', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`].join('\n');
}
