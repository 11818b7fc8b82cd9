/**
 * Connect sessions: `POST /api/v1/connect-sessions` starts a Stripe authorization (Stripe Apps or
 * Connect, in the live or test mode the workspace offers) for the extension, and
 * `POST /api/v1/connect-sessions/{id}/complete` finishes it exactly once (Idempotency-Key), whichever
 * instance of the workspace each attempt reaches.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { requireAdmin } from '../auth';
import type { ApiEnv, WorkspaceServices } from '../context';
import type { Queryable } from '../db/database';
import {
  claimCompletion,
  createSession,
  purgeOld,
  recordAnswer,
  releaseClaim,
  startExchange,
  type StoredAnswer,
} from '../data/connect-sessions';
import { accountInUse, connectAccount, findIntegration, retireOtherInstalls } from '../data/integrations';
import { syncDue, syncStatesOf } from '../data/sync-state';
import type { Caller, ConnectSession } from '../model';
import { HttpError, jsonResponse, problemBody, problemResponse, readJson } from '../problems';
import { type Language } from '../reasons';
import { EXTENSION_REDIRECT_URI } from '../redirect-uri';
import { CompletionRequest, ConnectSessionRequest, parseBody, type Completion } from '../requests';
import { tokenTimes } from '../token-refresh';
import { presentIntegration } from './integrations';

/** How long a completion may hold its claim before another attempt may take over (its worker died). */
const CLAIM_SECONDS = 60;
const DAY_MS = 24 * 3600_000;

export function connectSessionRoutes(services: WorkspaceServices) {
  const { db, stripe, sealer, now } = services;
  const iso = (ms = now()) => new Date(ms).toISOString();
  let lastPurge = 0;

  async function start(caller: Caller, body: unknown): Promise<Response> {
    requireAdmin(caller);
    const input = parseBody(ConnectSessionRequest, body);
    if (input.provider !== 'stripe') throw new HttpError(422, 'unsupported_provider', 'Unsupported provider', 'provider must be "stripe".');
    if (!EXTENSION_REDIRECT_URI.test(input.redirectUri)) {
      throw new HttpError(
        422,
        'invalid_redirect_uri',
        'Invalid redirect URI',
        'redirectUri must be a browser extension identity redirect URL.',
      );
    }
    const integrationId = input.integrationId ?? null;
    const integration = integrationId === null ? null : await findIntegration(db, caller.workspaceId, integrationId);
    if (integrationId !== null && !integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
    // Reauthentication stays in the integration's mode; a new connection is live unless asked otherwise.
    const stripeMode = integration?.stripeMode ?? input.mode ?? 'live';
    if (!stripe.modes.includes(stripeMode) || (integration && input.mode !== undefined && input.mode !== stripeMode)) {
      throw new HttpError(
        422,
        'mode_not_offered',
        'Stripe mode not offered',
        integration
          ? `This integration was connected in ${integration.stripeMode} mode.`
          : `This workspace offers Stripe ${stripe.modes.join(' and ')} mode.`,
      );
    }
    const session: ConnectSession = {
      id: `cs_${randomBytes(12).toString('hex')}`,
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      state: randomBytes(24).toString('base64url'),
      redirectUri: input.redirectUri,
      integrationId,
      stripeMode,
      expiresAt: iso(now() + services.sessionTtlSeconds * 1000),
      closed: false,
      exchangeStarted: false,
    };
    await createSession(db, { ...session, createdAt: iso() });
    // Sessions and answers a day past their use go, at most once a minute per instance (an index range).
    if (now() - lastPurge > 60_000) {
      lastPurge = now();
      await purgeOld(db, iso(now() - DAY_MS));
    }
    const authorizeUrl = stripe.authorizeUrl(stripeMode, {
      redirectUri: session.redirectUri,
      state: session.state,
      reauthenticate: integrationId !== null,
    });
    return jsonResponse(201, { id: session.id, authorizeUrl, expiresAt: session.expiresAt });
  }

  async function complete(
    caller: Caller,
    sessionId: string,
    key: string | undefined,
    body: unknown,
    language: Language,
  ): Promise<Response> {
    requireAdmin(caller);
    if (typeof key !== 'string' || key.length < 8 || key.length > 255) {
      throw new HttpError(
        400,
        'idempotency_key_required',
        'Idempotency-Key required',
        'Send an Idempotency-Key header of 8 to 255 characters.',
      );
    }
    const completion = parseBody(CompletionRequest, body);
    const claim = { userId: caller.userId, key, sessionId, now: iso(), until: iso(now() + CLAIM_SECONDS * 1000) };

    // Claim the completion first: every instance on this database sees the claim.
    const outcome = await claimCompletion(db, claim);
    if (outcome.kind === 'replay') {
      if (outcome.sessionId !== sessionId) {
        throw new HttpError(422, 'idempotency_key_reused', 'Idempotency-Key reused', 'This key was used for another request.');
      }
      return answerOf(outcome.answer);
    }
    if (outcome.kind === 'busy') {
      // A retry overlapping its own first attempt (or a completion racing another) comes back
      // shortly and then gets the first attempt's answer (IETF Idempotency-Key draft).
      throw new HttpError(
        409,
        'idempotency_key_in_use',
        'Request in progress',
        'A request with this Idempotency-Key is still being processed. Retry shortly.',
        {
          'Retry-After': '1',
        },
      );
    }
    try {
      return answerOf(await finish(caller, openSession(outcome.session, completion), completion, language, claim));
    } catch (error) {
      // Nothing was decided (a stale session, Stripe unreachable): the claim goes, and a retry may try again.
      await releaseClaim(db, claim).catch(() => undefined);
      throw error;
    }
  }

  /** The caller's session, if it may still be completed with this answer. */
  function openSession(session: ConnectSession | null, completion: Completion): ConnectSession {
    if (!session) throw new HttpError(404, 'session_not_found', 'Connect session not found', 'Start the connection again.');
    if (session.closed) throw new HttpError(410, 'session_closed', 'Connect session already completed', 'Start the connection again.');
    if (Date.parse(session.expiresAt) <= now())
      throw new HttpError(410, 'session_expired', 'Connect session expired', 'Start the connection again.');
    // A grant always carries its state (the schema requires it); a denial may not.
    if (completion.state !== undefined && completion.state !== session.state) {
      throw new HttpError(400, 'state_mismatch', 'State mismatch', 'The state does not belong to this connect session.');
    }
    return session;
  }

  /** Exchanges the code (outside any transaction), then records the outcome and closes the session. */
  async function finish(
    caller: Caller,
    session: ConnectSession,
    completion: Completion,
    language: Language,
    claim: { userId: string; key: string; sessionId: string; now: string },
  ): Promise<StoredAnswer> {
    const remember = (answer: StoredAnswer) => recordAnswer(db, claim, answer).then(() => answer);
    if ('error' in completion) return remember({ status: 204, body: null });
    if (!/^ac_\w+$/.test(completion.code)) throw new HttpError(422, 'invalid_code', 'Invalid authorization code');

    // The code goes to Stripe at most once, ever: a completion taken over after a crash finds it sent.
    if (!(await startExchange(db, session.id, claim.now))) {
      return remember({ status: 410, body: problemBody(codeAlreadySent()) });
    }
    const exchanged = await stripe.exchangeCode(session.stripeMode, completion.code);
    if (!exchanged.ok) {
      const failure =
        exchanged.error.kind === 'invalid_grant'
          ? codeAlreadySent()
          : new HttpError(502, 'stripe_error', 'Stripe error', 'Stripe could not complete the authorization. Start the connection again.');
      return remember({ status: failure.status, body: problemBody(failure) });
    }
    const grant = exchanged.value;
    const name = await stripe.accountName(session.stripeMode, grant);
    const times = tokenTimes(services, now());
    /** Stores the grant on the integration (the account's own in this workspace when `integrationId` is null). */
    const store = async (tx: Queryable, integrationId: string | null) => {
      const stored = await connectAccount(
        tx,
        caller.workspaceId,
        {
          stripeAccountId: grant.stripeUserId,
          stripeAccountName: name,
          livemode: grant.livemode,
          oauth: stripe.provider,
          stripeMode: session.stripeMode,
          at: iso(),
          accessToken: sealer.seal(grant.accessToken),
          refreshToken: grant.refreshToken === null ? null : sealer.seal(grant.refreshToken),
          ...times,
        },
        integrationId,
      );
      // A new connection imports its data; a reauthenticated one goes on from where its sync stopped.
      await syncDue(tx, stored.integration.id, iso());
      // Stripe Apps: this install retired every earlier install of the account, wherever it was.
      if (stripe.provider === 'stripe-app') {
        await retireOtherInstalls(tx, { stripeAccountId: grant.stripeUserId, stripeMode: session.stripeMode, keep: stored.integration.id });
      }
      return stored;
    };

    if (session.integrationId) {
      const integration = await findIntegration(db, caller.workspaceId, session.integrationId);
      if (!integration) throw new HttpError(404, 'integration_not_found', 'Integration not found');
      if (integration.stripeAccountId !== grant.stripeUserId) {
        const mismatch = new HttpError(
          409,
          'account_mismatch',
          'Different Stripe account',
          `This integration belongs to Stripe account ${integration.stripeAccountId}; you signed in to ${grant.stripeUserId}.`,
        );
        // The admin granted access to an account this workspace did not ask for: give it back,
        // unless another integration of this workspace uses that account (Stripe Apps: that one
        // takes the new tokens, since the install retired its old ones).
        const inUse = await accountInUse(db, caller.workspaceId, grant.stripeUserId);
        if (!inUse) await stripe.giveBack(session.stripeMode, grant.stripeUserId).catch(() => undefined);
        return db.transaction(async (tx) => {
          if (stripe.provider === 'stripe-app') {
            if (inUse) await store(tx, null);
            else await retireOtherInstalls(tx, { stripeAccountId: grant.stripeUserId, stripeMode: session.stripeMode, keep: null });
          }
          const answer = { status: 409, body: problemBody(mismatch) };
          await recordAnswer(tx, claim, answer);
          return answer;
        });
      }
    }

    const connected = await db.transaction(async (tx) => {
      const { integration, created } = await store(tx, session.integrationId);
      // As the list answers it, sync state included (a reauthentication's import so far).
      const sync = (await syncStatesOf(tx, [integration.id])).get(integration.id) ?? null;
      const answer = { status: created ? 201 : 200, body: presentIntegration(integration, language, sync) };
      await recordAnswer(tx, claim, answer);
      return answer;
    });
    services.syncWake?.();
    return connected;
  }

  return new Hono<ApiEnv>()
    .post('/', async (c) => start(c.get('caller'), await readJson(c.req.raw)))
    .post('/:id/complete', async (c) =>
      complete(c.get('caller'), c.req.param('id'), c.req.header('idempotency-key'), await readJson(c.req.raw), c.get('language')),
    );
}

/** Stripe will not take this code (again): only a new connection helps. */
const codeAlreadySent = () =>
  new HttpError(
    410,
    'authorization_expired',
    'Authorization expired',
    'Stripe no longer accepts this authorization code. Start the connection again.',
  );

function answerOf(answer: StoredAnswer): Response {
  if (answer.status === 204) return new Response(null, { status: 204 });
  return answer.status >= 400 ? problemResponse(answer.status, answer.body) : jsonResponse(answer.status, answer.body);
}
