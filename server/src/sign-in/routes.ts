/**
 * The authorization server's HTTP side on Node (oidc-provider speaks Node's request and response):
 * its own endpoints (authorize, token, revocation, discovery), and the workspace's sign-in and
 * consent pages, which name the extension and what it may do.
 */
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { errors } from 'oidc-provider';
import type { Database } from '../db/database';
import { callerOfUser, userBySignIn } from '../data/workspaces';
import type { AuthorizationServer } from './authorization-server';
import { accountChooser, consentPage, problemPage, signInPage } from './pages';

/** What the authorization server answers: its pages and oidc-provider's endpoints. */
export const isSignInPath = (path: string): boolean => path.startsWith('/sign-in/') || PROVIDER_PATHS.test(path);

/** oidc-provider's routes (its defaults), and the discovery documents. */
const PROVIDER_PATHS =
  /^\/(auth|token|token\/revocation|jwks|session\/end)(\/|$)|^\/\.well-known\/(oauth-authorization-server|openid-configuration)$/;

export function signInRoutes(server: AuthorizationServer, db: Database): Hono<{ Bindings: HttpBindings }> {
  const { provider } = server;
  const callback = provider.callback();
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use(async (c, next) => {
    if (!PROVIDER_PATHS.test(c.req.path)) return next();
    await new Promise<void>((resolve) => {
      c.env.outgoing.once('finish', resolve);
      c.env.outgoing.once('close', resolve);
      void callback(c.env.incoming, c.env.outgoing);
    });
    return RESPONSE_ALREADY_SENT;
  });

  app.get('/sign-in/:uid', async (c) => {
    const details = await provider.interactionDetails(c.env.incoming, c.env.outgoing);
    if (details.prompt.name !== 'login') return c.html(consentPage(details.uid), 200, NO_STORE);
    // Signed in to the workspace in this browser already: one click, or another account.
    const current = c.req.query('another') === undefined ? await signedInUser(details.session?.accountId) : null;
    return c.html(current ? accountChooser(details.uid, current) : signInPage(details.uid, null), 200, NO_STORE);
  });

  app.post('/sign-in/:uid/login', async (c) => {
    const details = await provider.interactionDetails(c.env.incoming, c.env.outgoing);
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
    // "Continue as …" confirms the account this browser is signed in with; else the form's.
    const user =
      form.continue === 'current' && details.session?.accountId
        ? { id: details.session.accountId }
        : await userBySignIn(db, field('email'), field('password'));
    if (!user) return c.html(signInPage(details.uid, 'Incorrect email or password.'), 200, NO_STORE);
    await provider.interactionFinished(
      c.env.incoming,
      c.env.outgoing,
      { login: { accountId: user.id } },
      { mergeWithLastSubmission: false },
    );
    return RESPONSE_ALREADY_SENT;
  });

  app.post('/sign-in/:uid/consent', async (c) => {
    const details = await provider.interactionDetails(c.env.incoming, c.env.outgoing);
    const form = await c.req.parseBody();
    if (form.decision !== 'allow') {
      await provider.interactionFinished(
        c.env.incoming,
        c.env.outgoing,
        { error: 'access_denied', error_description: 'The admin did not allow Workspace Connect.' },
        { mergeWithLastSubmission: false },
      );
      return RESPONSE_ALREADY_SENT;
    }
    const { accountId } = details.session ?? {};
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) throw new Error('the grant of this sign-in is gone');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(c.env.incoming, c.env.outgoing, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return RESPONSE_ALREADY_SENT;
  });

  // An expired or forged interaction (its cookie gone, a restart with other keys): a page that says
  // what to do, not a server error.
  app.onError((error, c) => {
    if (!(error instanceof errors.OIDCProviderError)) throw error;
    return c.html(problemPage(error.error_description), 400, NO_STORE);
  });

  async function signedInUser(accountId: string | undefined) {
    return accountId ? callerOfUser(db, accountId, '') : null;
  }

  return app;
}

const NO_STORE = { 'Cache-Control': 'no-store' };
