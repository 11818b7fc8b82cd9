/**
 * The authorization server's HTTP side on Node (oidc-provider speaks Node's request and response):
 * its own endpoints (authorize, token, revocation, discovery), and the workspace's sign-in and
 * consent pages, which name the extension and what it may do.
 */
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { Database } from '../db/database';
import { callerOfUser, userBySignIn } from '../data/workspaces';
import type { AuthorizationServer } from './authorization-server';

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

  async function signedInUser(accountId: string | undefined) {
    return accountId ? callerOfUser(db, accountId, '') : null;
  }

  return app;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width">
  <title>${escapeHtml(title)}</title>
  <style>
    :root { color-scheme: light dark; font: 15px/1.5 system-ui, sans-serif; --accent: #0f766e; }
    body { max-width: 420px; margin: 40px auto; padding: 0 16px; }
    label { display: block; margin: 12px 0 4px; font-weight: 600; }
    input[type=email], input[type=password] { width: 100%; padding: 8px; box-sizing: border-box; }
    .actions { margin-top: 18px; display: flex; gap: 12px; }
    button, .button { padding: 8px 14px; font: inherit; border-radius: 6px; border: 1px solid #8886; color: inherit; text-decoration: none; }
    .primary { background: var(--accent); color: #fff; border: 0; }
    .problem { color: #b42318; }
  </style>
</head>
<body><main>${body}</main></body>
</html>`;
}

function signInPage(uid: string, problem: string | null): string {
  return page(
    'Sign in to your workspace',
    `<h1>Sign in to your workspace</h1>
    <p><strong>Workspace Connect</strong> (the browser extension) asks you to sign in.</p>
    ${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="/sign-in/${encodeURIComponent(uid)}/login">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <div class="actions"><button class="primary" type="submit">Sign in</button></div>
    </form>`,
  );
}

function accountChooser(uid: string, user: { name: string; email: string; workspaceName: string }): string {
  return page(
    'Sign in to your workspace',
    `<h1>Sign in to ${escapeHtml(user.workspaceName)}</h1>
    <p><strong>Workspace Connect</strong> (the browser extension) asks you to sign in.</p>
    <p>You are signed in to this workspace in this browser as <strong>${escapeHtml(user.name)}</strong> (${escapeHtml(user.email)}).</p>
    <form method="post" action="/sign-in/${encodeURIComponent(uid)}/login">
      <div class="actions">
        <button class="primary" type="submit" name="continue" value="current">Continue as ${escapeHtml(user.name)}</button>
        <a class="button" href="/sign-in/${encodeURIComponent(uid)}?another">Use another account</a>
      </div>
    </form>`,
  );
}

function consentPage(uid: string): string {
  return page(
    'Allow Workspace Connect',
    `<h1>Allow Workspace Connect?</h1>
    <p>The <strong>Workspace Connect</strong> browser extension will be able to, as you:</p>
    <ul><li>see this workspace's data sources and their health;</li><li>connect, reauthenticate and disconnect Stripe accounts.</li></ul>
    <p>It stays signed in until you sign out in the extension.</p>
    <form method="post" action="/sign-in/${encodeURIComponent(uid)}/consent">
      <div class="actions">
        <button class="primary" type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny">Cancel</button>
      </div>
    </form>`,
  );
}
