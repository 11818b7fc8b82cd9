/**
 * The reference workspace API (openapi/workspace-api.yaml): who am I, integrations, and the
 * connect sessions that run Stripe Connect on behalf of the browser extension.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BreakRequest, CompletionRequest, ConnectSessionRequest, FaultRequest, parseBody, SeedRequest, type Completion } from './requests';
import { HttpError, problemBody, readBody, readJsonBody, sendJson, sendProblem, sendProblemBody } from './http';
import type { ConnectSession, Integration, StoredIntegration, User, WorkspaceData } from './model';
import { describeProblem, pickLanguage, type IntegrationProblem, type Language } from './reasons';
import type { DurableStore } from './store';
import { EXTENSION_REDIRECT_URI } from './redirect-uri';
import type { StripeGateway } from './stripe-gateway';
import { createFaultInjector } from './faults';

export interface WorkspaceApiOptions {
  store: DurableStore<WorkspaceData>;
  stripe: StripeGateway;
  sessionTtlSeconds?: number;
  now?: () => number;
  /** Enables `/__test/*`: break integrations the ways real ones break, and read the request log. */
  testControls?: boolean;
  emulatorUrl?: string | null;
}

export function presentIntegration(stored: StoredIntegration, language: Language): Integration {
  const { problem, ...rest } = stored;
  return { ...rest, reason: describeProblem(problem, language) };
}

export function createWorkspaceHandler(options: WorkspaceApiOptions) {
  const { store, stripe } = options;
  const now = options.now ?? Date.now;
  const sessionTtlMs = (options.sessionTtlSeconds ?? 900) * 1000;
  const iso = () => new Date(now()).toISOString();
  /** One completion per session at a time, so a retry never races the original. */
  const sessionLocks = new Map<string, Promise<unknown>>();
  /** Idempotency keys whose first request is still being worked on (IETF Idempotency-Key draft). */
  const keysInFlight = new Set<string>();

  function authenticate(req: IncomingMessage): User {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HttpError(401, 'unauthenticated', 'Missing bearer token', 'Send Authorization: Bearer <token>.', {
        'WWW-Authenticate': 'Bearer realm="workspace"',
      });
    }
    const presented = Buffer.from(match[1]!);
    const user = store.read().users.find((u) => {
      const known = Buffer.from(u.token);
      return known.length === presented.length && timingSafeEqual(known, presented);
    });
    if (!user) {
      throw new HttpError(401, 'invalid_token', 'Invalid token', 'The API token is not valid for this workspace.', {
        'WWW-Authenticate': 'Bearer realm="workspace", error="invalid_token"',
      });
    }
    return user;
  }

  function requireAdmin(user: User): void {
    if (user.role !== 'admin') {
      throw new HttpError(
        403,
        'admin_required',
        'Administrator permissions required',
        'Adding and managing integrations requires administrator permissions.',
      );
    }
  }

  const languageOf = (req: IncomingMessage) => pickLanguage(req.headers['accept-language']);

  function listBody(data: WorkspaceData, language: Language) {
    return { integrations: data.integrations.map((i) => presentIntegration(i, language)) };
  }

  const etagOf = (body: unknown) => `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;

  async function createSession(user: User, body: unknown, res: ServerResponse) {
    requireAdmin(user);
    const input = parseBody(ConnectSessionRequest, body);
    if (input.provider !== 'stripe') {
      throw new HttpError(422, 'unsupported_provider', 'Unsupported provider', 'provider must be "stripe".');
    }
    if (!EXTENSION_REDIRECT_URI.test(input.redirectUri)) {
      throw new HttpError(
        422,
        'invalid_redirect_uri',
        'Invalid redirect URI',
        'redirectUri must be a browser extension identity redirect URL.',
      );
    }
    let integrationId: string | null = null;
    if (input.integrationId !== undefined) {
      if (!store.read().integrations.some((i) => i.id === input.integrationId)) {
        throw new HttpError(404, 'integration_not_found', 'Integration not found');
      }
      integrationId = input.integrationId;
    }
    const session: ConnectSession = {
      id: `cs_${randomBytes(12).toString('hex')}`,
      userId: user.id,
      state: randomBytes(24).toString('base64url'),
      redirectUri: input.redirectUri,
      integrationId,
      createdAt: iso(),
      expiresAt: new Date(now() + sessionTtlMs).toISOString(),
      closed: false,
    };
    await store.update((data) => {
      // Forget sessions long past their expiry so the document does not grow without bound.
      const horizon = now() - 24 * 3600_000;
      data.sessions = data.sessions.filter((s) => Date.parse(s.expiresAt) > horizon);
      data.sessions.push(session);
    });
    const authorize = new URL('/oauth/authorize', stripe.authorizeBase);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('client_id', stripe.clientId);
    // Explicit: stripe-node's own authorizeUrl() would default to read_write.
    authorize.searchParams.set('scope', 'read_only');
    authorize.searchParams.set('redirect_uri', session.redirectUri);
    authorize.searchParams.set('state', session.state);
    if (integrationId) {
      // Reauthentication: let the admin pick the account rather than reusing a signed-in one.
      authorize.searchParams.set('always_prompt', 'true');
      authorize.searchParams.set('stripe_landing', 'login');
    }
    sendJson(res, 201, { id: session.id, authorizeUrl: authorize.toString(), expiresAt: session.expiresAt });
  }

  async function completeSession(user: User, sessionId: string, req: IncomingMessage, res: ServerResponse) {
    requireAdmin(user);
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length < 8 || key.length > 255) {
      throw new HttpError(
        400,
        'idempotency_key_required',
        'Idempotency-Key required',
        'Send an Idempotency-Key header of 8 to 255 characters.',
      );
    }
    const body = parseBody(CompletionRequest, await readJsonBody(req));
    // A retry that overlaps its own first attempt (the client gave up waiting, say) is told to come
    // back shortly rather than queued: the first attempt's answer is then replayed.
    const flightKey = `${user.id}:${key}`;
    if (keysInFlight.has(flightKey)) {
      throw new HttpError(
        409,
        'idempotency_key_in_use',
        'Request in progress',
        'A request with this Idempotency-Key is still being processed. Retry shortly.',
        { 'Retry-After': '1' },
      );
    }
    keysInFlight.add(flightKey);
    try {
      await completeSerialized(user, sessionId, key, body, req, res);
    } finally {
      keysInFlight.delete(flightKey);
    }
  }

  async function completeSerialized(
    user: User,
    sessionId: string,
    key: string,
    body: Completion,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const previous = sessionLocks.get(sessionId) ?? Promise.resolve();
    const run = previous.then(() => completeLocked(user, sessionId, key, body, languageOf(req)));
    const settled = run.catch(() => undefined);
    sessionLocks.set(sessionId, settled);
    void settled.then(() => {
      if (sessionLocks.get(sessionId) === settled) sessionLocks.delete(sessionId);
    });
    const answer = await run;
    if (answer.status === 204) {
      res.writeHead(204);
      res.end();
    } else if (answer.status >= 400) {
      sendProblemBody(res, answer.status, answer.body);
    } else {
      sendJson(res, answer.status, answer.body);
    }
  }

  async function completeLocked(
    user: User,
    sessionId: string,
    key: string,
    body: Completion,
    language: Language,
  ): Promise<{ status: number; body: unknown }> {
    const replay = store.read().idempotency[key];
    if (replay) {
      if (replay.sessionId !== sessionId || replay.userId !== user.id) {
        throw new HttpError(422, 'idempotency_key_reused', 'Idempotency-Key reused', 'This key was used for another request.');
      }
      return { status: replay.status, body: replay.body };
    }
    const session = store.read().sessions.find((s) => s.id === sessionId && s.userId === user.id);
    if (!session) throw new HttpError(404, 'session_not_found', 'Connect session not found', 'Start the connection again.');
    if (session.closed) throw new HttpError(410, 'session_closed', 'Connect session already completed', 'Start the connection again.');
    if (Date.parse(session.expiresAt) <= now()) {
      throw new HttpError(410, 'session_expired', 'Connect session expired', 'Start the connection again.');
    }
    // A grant always carries its state (the schema requires it); a denial may not.
    if (body.state !== undefined && body.state !== session.state) {
      throw new HttpError(400, 'state_mismatch', 'State mismatch', 'The state does not belong to this connect session.');
    }

    /** Keeps the answer for retries with this key and closes the session, in the same write. */
    const recordAnswer = (data: WorkspaceData, status: number, answer: unknown) => {
      data.idempotency[key] = { userId: user.id, sessionId, status, body: answer, at: iso() };
      const stored = data.sessions.find((s) => s.id === sessionId);
      if (stored) stored.closed = true;
    };
    const remember = (status: number, answer: unknown) => store.update((data) => recordAnswer(data, status, answer));

    if ('error' in body) {
      await remember(204, null);
      return { status: 204, body: null };
    }
    if (!/^ac_\w+$/.test(body.code)) {
      throw new HttpError(422, 'invalid_code', 'Invalid authorization code');
    }

    const exchanged = await stripe.exchangeCode(body.code);
    if (!exchanged.ok) {
      if (exchanged.error.kind === 'invalid_grant') {
        throw new HttpError(
          410,
          'authorization_expired',
          'Authorization expired',
          'Stripe no longer accepts this authorization code. Start the connection again.',
        );
      }
      throw new HttpError(502, 'stripe_error', 'Stripe error', exchanged.error.message);
    }
    const grant = exchanged.value;
    const current = store.read();

    if (session.integrationId) {
      const integration = current.integrations.find((i) => i.id === session.integrationId);
      if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
      if (integration.stripeAccountId !== grant.stripeUserId) {
        const mismatch = new HttpError(
          409,
          'account_mismatch',
          'Different Stripe account',
          `This integration belongs to Stripe account ${integration.stripeAccountId}; you signed in to ${grant.stripeUserId}.`,
        );
        // The admin granted access to an account this workspace did not ask for: give it back,
        // unless another integration already uses that account.
        if (!current.integrations.some((i) => i.stripeAccountId === grant.stripeUserId)) {
          await stripe.deauthorize(grant.stripeUserId).catch(() => undefined);
        }
        await remember(409, problemBody(mismatch));
        throw mismatch;
      }
    }

    const name = await stripe.accountName(grant.stripeUserId).catch(() => grant.stripeUserId);
    let status = 201;
    const integration = await store.update((data) => {
      let existing = session.integrationId
        ? data.integrations.find((i) => i.id === session.integrationId)
        : data.integrations.find((i) => i.stripeAccountId === grant.stripeUserId);
      if (existing) {
        status = 200;
        Object.assign(existing, { status: 'active', problem: null, stripeAccountName: name, livemode: grant.livemode });
      } else {
        existing = {
          id: `int_${randomBytes(10).toString('hex')}`,
          provider: 'stripe',
          status: 'active',
          stripeAccountId: grant.stripeUserId,
          stripeAccountName: name,
          livemode: grant.livemode,
          connectedAt: iso(),
          lastSyncAt: null,
          problem: null,
        } satisfies StoredIntegration;
        data.integrations.push(existing);
      }
      data.secrets[existing.id] = { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
      const answer = presentIntegration(existing, language);
      recordAnswer(data, status, answer);
      return answer;
    });
    return { status, body: integration };
  }

  async function deleteIntegration(user: User, integrationId: string, res: ServerResponse) {
    requireAdmin(user);
    const integration = store.read().integrations.find((i) => i.id === integrationId);
    if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
    try {
      await stripe.deauthorize(integration.stripeAccountId);
    } catch {
      // Already disconnected at Stripe: removing it here is still what the admin asked for.
    }
    await store.update((data) => {
      data.integrations = data.integrations.filter((i) => i.id !== integrationId);
      data.secrets = Object.fromEntries(Object.entries(data.secrets).filter(([id]) => id !== integrationId));
    });
    res.writeHead(204);
    res.end();
  }

  /** Marks integrations of a Stripe account, keeping the ETag stable when nothing changes. */
  async function setHealth(
    match: (i: StoredIntegration) => boolean,
    status: StoredIntegration['status'],
    problem: IntegrationProblem | null,
    synced = false,
  ) {
    await store.update((data) => {
      for (const integration of data.integrations.filter(match)) {
        integration.status = status;
        integration.problem = problem;
        if (synced) integration.lastSyncAt = iso();
      }
    });
  }

  /** One sync of an integration against Stripe; how a workspace finds out that access is gone. */
  async function syncIntegration(integrationId: string): Promise<StoredIntegration> {
    const integration = store.read().integrations.find((i) => i.id === integrationId);
    if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
    const outcome = await stripe.sync(integration.stripeAccountId);
    const byId = (i: StoredIntegration) => i.id === integrationId;
    if (outcome.ok) {
      // A sync that works again clears a sync error; revoked or expired access needs the admin.
      const recovered = integration.status === 'error';
      await setHealth(byId, recovered ? 'active' : integration.status, recovered ? null : integration.problem, true);
    } else if (outcome.error.kind === 'access_lost') await setHealth(byId, 'expired', { code: 'expired' });
    else await setHealth(byId, 'error', { code: 'sync_failed', detail: outcome.error.message });
    return store.read().integrations.find(byId)!;
  }

  /** Stripe's webhook: `account.application.deauthorized` means the merchant disconnected us. */
  async function receiveStripeEvent(req: IncomingMessage, res: ServerResponse) {
    const payload = await readBody(req);
    const event = stripe.verifyEvent(payload, String(req.headers['stripe-signature'] ?? ''));
    if (!event) throw new HttpError(400, 'invalid_signature', 'Invalid Stripe signature');
    if (event.type === 'account.application.deauthorized' && event.account) {
      const account = event.account;
      await setHealth((i) => i.stripeAccountId === account, 'revoked', { code: 'revoked' });
    }
    sendJson(res, 200, { received: true });
  }

  async function emulatorControl(accountId: string, action: string) {
    const response = await fetch(`${options.emulatorUrl}/__emulator/accounts/${accountId}/${action}`, { method: 'POST' });
    if (!response.ok) throw new HttpError(502, 'emulator_error', 'Emulator refused', await response.text());
  }

  /** Test and demo controls: each break happens the way it does with real Stripe. */
  async function testRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    // `inFlight`: API requests still being handled (a delayed one whose client went away included).
    if (method === 'GET' && path === '/__test/requests') return sendJson(res, 200, { requests: requestLog, inFlight });
    if (method === 'DELETE' && path === '/__test/requests') {
      requestLog.length = 0;
      res.writeHead(204);
      return void res.end();
    }
    if (path === '/__test/faults') {
      if (method === 'POST') {
        faults.arm(parseBody(FaultRequest, await readJsonBody(req)));
        return sendJson(res, 201, { faults: faults.list() });
      }
      if (method === 'DELETE') {
        faults.clear();
        res.writeHead(204);
        return void res.end();
      }
      return sendJson(res, 200, { faults: faults.list() });
    }
    if (method === 'POST' && path === '/__test/integrations/seed') {
      // Benchmarks: many integrations at once, a mix of healthy and broken ones.
      const { count = 10 } = parseBody(SeedRequest, await readJsonBody(req));
      await store.update((data) => {
        for (let n = 0; n < count; n++) {
          const broken = n % 10 === 0;
          data.integrations.push({
            id: `int_seed${String(n).padStart(5, '0')}`,
            provider: 'stripe',
            status: broken ? 'expired' : 'active',
            stripeAccountId: `acct_seed${String(n).padStart(9, '0')}`,
            stripeAccountName: `Seeded Store ${n}`,
            livemode: n % 2 === 0,
            connectedAt: iso(),
            lastSyncAt: iso(),
            problem: broken ? { code: 'expired' } : null,
          });
        }
      });
      return sendJson(res, 201, { count: store.read().integrations.length });
    }
    const match = /^\/__test\/integrations\/([\w-]+)\/(break|sync)$/.exec(path);
    if (method !== 'POST' || !match) throw new HttpError(404, 'not_found', 'Not found');
    const [, integrationId, action] = match as unknown as [string, string, string];
    const integration = store.read().integrations.find((i) => i.id === integrationId);
    if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
    if (action === 'break') {
      const { how } = parseBody(BreakRequest, await readJsonBody(req));
      if (how === 'revoked') {
        // The merchant disconnects in Stripe; Stripe tells us through the webhook.
        await emulatorControl(integration.stripeAccountId, 'disconnect');
      } else if (how === 'expired') {
        // The tokens stop working (as after a reused code); the next sync finds out.
        await emulatorControl(integration.stripeAccountId, 'revoke-tokens');
        await syncIntegration(integrationId);
      } else {
        await emulatorControl(integration.stripeAccountId, 'fail-api');
        await syncIntegration(integrationId);
        await emulatorControl(integration.stripeAccountId, 'restore-api');
      }
      return sendJson(
        res,
        200,
        presentIntegration(
          store.read().integrations.find((i) => i.id === integrationId)!,
          languageOf(req),
        ),
      );
    }
    return sendJson(res, 200, presentIntegration(await syncIntegration(integrationId), languageOf(req)));
  }

  const requestLog: Array<{ method: string; path: string; status: number; at: string }> = [];
  let inFlight = 0;
  const faults = createFaultInjector();

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/webhooks/stripe') return receiveStripeEvent(req, res);
    if (options.testControls && path.startsWith('/__test/')) return testRoute(req, res, path);
    const user = authenticate(req);
    if (method === 'GET' && path === '/api/v1/me') {
      const { workspace } = store.read();
      return sendJson(res, 200, {
        user: { id: user.id, name: user.name, email: user.email },
        workspace,
        role: user.role,
      });
    }
    if (method === 'GET' && path === '/api/v1/integrations') {
      const body = listBody(store.read(), languageOf(req));
      const etag = etagOf(body);
      const headers = { ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Language' };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      return sendJson(res, 200, body, headers);
    }
    if (method === 'POST' && path === '/api/v1/connect-sessions') {
      return createSession(user, await readJsonBody(req), res);
    }
    const complete = /^\/api\/v1\/connect-sessions\/([\w-]+)\/complete$/.exec(path);
    if (method === 'POST' && complete) return completeSession(user, complete[1]!, req, res);
    const integration = /^\/api\/v1\/integrations\/([\w-]+)$/.exec(path);
    if (method === 'DELETE' && integration) return deleteIntegration(user, integration[1]!, res);
    throw new HttpError(404, 'not_found', 'Not found', `${method} ${path} is not part of this API.`);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://workspace').pathname;
    if (options.testControls && !path.startsWith('/__test/')) {
      res.on('close', () => {
        requestLog.push({ method: req.method ?? 'GET', path, status: res.statusCode, at: iso() });
        if (requestLog.length > 1000) requestLog.shift();
      });
    }
    const counted = options.testControls && !path.startsWith('/__test/');
    if (counted) inFlight += 1;
    try {
      if (counted && (await faults.apply(req, res, path))) return;
      await route(req, res, path);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return sendProblem(res, error);
      console.error(error);
      sendProblem(res, new HttpError(500, 'internal_error', 'Internal server error'));
    } finally {
      if (counted) inFlight -= 1;
    }
  };
}
