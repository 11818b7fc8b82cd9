import { describe, expect, it } from 'vitest';
import { createWorkspaceApi, parseRetryAfter } from '../../src/shared/workspace-api';
import { parseWorkspaceUrl } from '../../src/shared/workspace-url';
import { integrationFixture } from './fixtures';

const integration = integrationFixture();

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

function fakeFetch(answers: Answer[]) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: URL | string, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    const body = answer.body === undefined ? null : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, ...(answer.headers ? { headers: answer.headers } : {}) });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const api = (answers: Answer[], timeoutMs?: number) => {
  const fake = fakeFetch(answers);
  return {
    calls: fake.calls,
    client: createWorkspaceApi({ baseUrl: 'https://ws.example/', token: 'tok', fetch: fake.fetch, ...(timeoutMs ? { timeoutMs } : {}) }),
  };
};

describe('workspace API client', () => {
  it('sends the bearer token to the workspace and validates the answer', async () => {
    const { client, calls } = api([
      { status: 200, body: { user: { id: 'u', name: 'Ana', email: 'a@x' }, workspace: { id: 'w', name: 'W' }, role: 'admin' } },
    ]);
    const me = await client.getMe();
    expect(me).toMatchObject({ ok: true, value: { role: 'admin' } });
    expect(calls[0]!.url).toBe('https://ws.example/api/v1/me');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(calls[0]!.init.credentials).toBe('omit');
  });

  it.each<[string, Answer, string]>([
    ['401', { status: 401, body: { code: 'invalid_token', title: 'Invalid token' } }, 'unauthorized'],
    ['403', { status: 403, body: { code: 'admin_required' } }, 'forbidden'],
    ['404 on a path that is not an API', { status: 404, body: '<html>' }, 'not-a-workspace'],
    ['500', { status: 500 }, 'server-error'],
    ['503', { status: 503, body: 'Service Unavailable' }, 'server-error'],
    ['HTML instead of JSON', { status: 200, body: '<html></html>' }, 'bad-response'],
    ['JSON of another shape', { status: 200, body: { user: 'ana' } }, 'bad-response'],
    ['a network failure', new TypeError('Failed to fetch'), 'workspace-unreachable'],
  ])('maps %s to a typed error', async (_name, answer, code) => {
    const { client } = api([answer]);
    const me = await client.getMe();
    expect(me.ok).toBe(false);
    if (!me.ok) expect(me.error.code).toBe(code);
  });

  it('turns a slow workspace into a timeout', async () => {
    const slow = (async (_url: URL | string, init: RequestInit = {}) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    const client = createWorkspaceApi({ baseUrl: 'https://ws.example/', token: 't', fetch: slow, timeoutMs: 20 });
    expect(await client.getMe()).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('reads 429 Retry-After', async () => {
    const { client } = api([{ status: 429, headers: { 'Retry-After': '30' }, body: { code: 'rate_limited' } }]);
    expect(await client.getMe()).toMatchObject({ ok: false, error: { code: 'rate-limited', retryAfterSeconds: 30 } });
  });

  it('completes a session with its idempotency key, and maps the workspace’s refusals', async () => {
    const { client, calls } = api([
      { status: 201, body: integration },
      { status: 409, body: { code: 'account_mismatch', detail: 'other account' } },
      { status: 410, body: { code: 'session_expired' } },
      { status: 404, body: { code: 'session_not_found' } },
      { status: 400, body: { code: 'state_mismatch' } },
      { status: 204 },
    ]);
    const body = { code: 'ac_1', state: 's' };
    expect(await client.completeConnectSession('cs_1', body, 'key-1')).toEqual({ ok: true, value: integration });
    expect((calls[0]!.init.headers as Record<string, string>)['Idempotency-Key']).toBe('key-1');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(body);
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const r = await client.completeConnectSession('cs_1', body, 'key');
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    expect(codes).toEqual(['account-mismatch', 'session-expired', 'session-expired', 'state-mismatch']);
    expect(await client.completeConnectSession('cs_1', { error: 'access_denied' }, 'k')).toEqual({ ok: true, value: null });
  });

  it('lists integrations with an ETag and knows a 304', async () => {
    const { client, calls } = api([{ status: 200, body: { integrations: [integration] }, headers: { ETag: '"v1"' } }, { status: 304 }]);
    expect(await client.listIntegrations()).toEqual({
      ok: true,
      value: { changed: true, integrations: [integration], unreadable: 0, etag: '"v1"' },
    });
    expect(await client.listIntegrations('"v1"')).toEqual({ ok: true, value: { changed: false } });
    expect((calls[1]!.init.headers as Record<string, string>)['If-None-Match']).toBe('"v1"');
  });

  it('follows the pages of a long list, asking If-None-Match on the first only', async () => {
    const second = { ...integration, id: 'int_2' };
    const third = { ...integration, id: 'int_3' };
    const { client, calls } = api([
      { status: 200, body: { integrations: [integration], nextCursor: 'c1' }, headers: { ETag: '"v2"' } },
      { status: 200, body: { integrations: [second], nextCursor: 'c/2' }, headers: { ETag: '"v2"' } },
      { status: 200, body: { integrations: [third], nextCursor: null }, headers: { ETag: '"v2"' } },
    ]);
    expect(await client.listIntegrations('"v1"')).toEqual({
      ok: true,
      value: { changed: true, integrations: [integration, second, third], unreadable: 0, etag: '"v2"' },
    });
    expect(calls.map((c) => c.url)).toEqual([
      'https://ws.example/api/v1/integrations',
      'https://ws.example/api/v1/integrations?cursor=c1',
      'https://ws.example/api/v1/integrations?cursor=c%2F2',
    ]);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['If-None-Match'])).toEqual(['"v1"', undefined, undefined]);
  });

  it('reads the list again from the start when it changed between pages', async () => {
    const added = { ...integration, id: 'int_new' };
    const { client, calls } = api([
      { status: 200, body: { integrations: [integration], nextCursor: 'c1' }, headers: { ETag: '"v2"' } },
      { status: 200, body: { integrations: [], nextCursor: null }, headers: { ETag: '"v3"' } },
      { status: 200, body: { integrations: [integration], nextCursor: 'c1' }, headers: { ETag: '"v3"' } },
      { status: 200, body: { integrations: [added], nextCursor: null }, headers: { ETag: '"v3"' } },
    ]);
    expect(await client.listIntegrations()).toEqual({
      ok: true,
      value: { changed: true, integrations: [integration, added], unreadable: 0, etag: '"v3"' },
    });
    expect(calls).toHaveLength(4);
  });

  it('takes a list that never holds still as it is, with no ETag to reuse', async () => {
    const pages = [1, 2, 3].flatMap((n) => [
      { status: 200, body: { integrations: [integration], nextCursor: 'c1' }, headers: { ETag: `"a${n}"` } },
      { status: 200, body: { integrations: [], nextCursor: null }, headers: { ETag: `"b${n}"` } },
    ]);
    const { client } = api(pages);
    expect(await client.listIntegrations()).toEqual({
      ok: true,
      value: { changed: true, integrations: [integration], unreadable: 0, etag: null },
    });
  });
});

describe('forward compatibility: a newer workspace never breaks the list', () => {
  it('keeps unknown statuses, drops unknown fields, and skips only the items it cannot read', async () => {
    const paused = { ...integration, id: 'int_2', status: 'paused', pausedUntil: '2027-01-01', color: 'teal' };
    const shopify = { id: 'int_3', provider: 'shopify', status: 'active', shop: 'acme.myshopify.com' };
    const { client } = api([{ status: 200, body: { integrations: [integration, paused, shopify], nextCursor: null } }]);
    const answer = await client.listIntegrations();
    expect(answer).toEqual({
      ok: true,
      value: { changed: true, integrations: [integration, { ...integration, id: 'int_2', status: 'paused' }], unreadable: 1, etag: null },
    });
  });

  it('reads a profile with a role it does not know (not an admin)', async () => {
    const { client } = api([
      {
        status: 200,
        body: { user: { id: 'u', name: 'Ana', email: 'a@x', avatar: 'x' }, workspace: { id: 'w', name: 'W' }, role: 'billing-manager' },
      },
    ]);
    expect(await client.getMe()).toMatchObject({ ok: true, value: { role: 'billing-manager', user: { name: 'Ana' } } });
  });
});

describe('error taxonomy: what each answer means for each call', () => {
  const integrationGone = { status: 404, body: { code: 'integration_not_found' } };
  it.each<[string, (c: ReturnType<typeof api>['client']) => Promise<{ ok: boolean; error?: { code: string } }>, Answer, string]>([
    ['a 404 on the profile: not a workspace', (c) => c.getMe(), { status: 404, body: '<html>' }, 'not-a-workspace'],
    ['a 404 on disconnecting: the integration is gone', (c) => c.deleteIntegration('int_1'), integrationGone, 'integration-gone'],
    ['a bare 404 on disconnecting: gone too', (c) => c.deleteIntegration('int_1'), { status: 404 }, 'integration-gone'],
    [
      'a 404 on reauthenticating: gone',
      (c) => c.createConnectSession({ redirectUri: 'r', integrationId: 'int_1' }),
      integrationGone,
      'integration-gone',
    ],
    [
      'a bare 404 on completing: the session is over',
      (c) => c.completeConnectSession('cs', { code: 'ac_1', state: 's' }, 'key-1'),
      { status: 404 },
      'session-expired',
    ],
    ['a bare 404 on the list: an API this release does not know', (c) => c.listIntegrations(), { status: 404 }, 'bad-response'],
    [
      '409 idempotency_key_in_use: still being worked on',
      (c) => c.completeConnectSession('cs', { code: 'ac_1', state: 's' }, 'key-1'),
      { status: 409, body: { code: 'idempotency_key_in_use' }, headers: { 'Retry-After': '1' } },
      'in-progress',
    ],
    [
      'any 409 with Retry-After: still being worked on',
      (c) => c.completeConnectSession('cs', { code: 'ac_1', state: 's' }, 'key-1'),
      { status: 409, body: { code: 'conflict' }, headers: { 'Retry-After': '2' } },
      'in-progress',
    ],
    [
      'a 409 without Retry-After: refused',
      (c) => c.completeConnectSession('cs', { code: 'ac_1', state: 's' }, 'key-1'),
      { status: 409, body: { code: 'conflict' } },
      'rejected',
    ],
    ['an unknown code falls back to its status (403)', (c) => c.getMe(), { status: 403, body: { code: 'sso_required' } }, 'forbidden'],
    ['an unknown code falls back to its status (503)', (c) => c.getMe(), { status: 503, body: { code: 'maintenance' } }, 'server-error'],
  ])('%s', async (_name, call, answer, code) => {
    const { client } = api([answer]);
    expect(await call(client)).toMatchObject({ ok: false, error: { code } });
  });

  it('reads Retry-After on any status (a 503 or a 409 says when to come back)', async () => {
    const { client } = api([{ status: 503, headers: { 'Retry-After': '5' } }]);
    expect(await client.getMe()).toMatchObject({ ok: false, error: { code: 'server-error', retryAfterSeconds: 5 } });
  });

  it('tells its owner of every failure, so a 401 anywhere signs the profile out', async () => {
    const seen: string[] = [];
    const fake = fakeFetch([{ status: 401, body: { code: 'invalid_token' } }]);
    const client = createWorkspaceApi({
      baseUrl: 'https://ws.example/',
      token: 't',
      fetch: fake.fetch,
      onFailure: (e, call) => seen.push(`${call}:${e.code}`),
    });
    await client.listIntegrations();
    expect(seen).toEqual(['list:unauthorized']);
  });

  it('measures a connect session’s lifetime on the workspace’s clock', async () => {
    const { client } = api([
      {
        status: 201,
        body: { id: 'cs_1', authorizeUrl: 'https://connect.stripe.com/oauth/authorize', expiresAt: '2020-01-01T00:15:00.000Z' },
        headers: { Date: 'Wed, 01 Jan 2020 00:00:00 GMT' },
      },
    ]);
    expect(await client.createConnectSession({ redirectUri: 'r' })).toMatchObject({ ok: true, value: { lifetimeMs: 900_000 } });
  });
});

describe('parseWorkspaceUrl', () => {
  it.each([
    ['https://analytics.example.com', 'https://analytics.example.com/'],
    ['  https://analytics.example.com/acme#x  ', 'https://analytics.example.com/acme/'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/'],
    ['http://localhost:8787/', 'http://localhost:8787/'],
  ])('accepts %s', (input, href) => {
    const result = parseWorkspaceUrl(input);
    expect(result.ok && result.value.href).toBe(href);
  });

  it.each([
    ['', 'empty'],
    ['analytics', 'invalid'],
    ['ftp://analytics.example.com', 'invalid'],
    ['https://user:pw@analytics.example.com', 'invalid'],
    ['http://analytics.example.com', 'insecure'],
  ])('refuses %j', (input, reason) => {
    expect(parseWorkspaceUrl(input)).toEqual({ ok: false, error: reason });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', Date.parse('2026-11-24T10:00:00Z'))).toBe(30);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
