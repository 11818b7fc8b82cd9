/**
 * The workspace's sign-in pages, in its look: sign in, "Continue as …", consent (which names the
 * extension and what it may do), and what went wrong.
 */
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

export function signInPage(uid: string, problem: string | null): string {
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

export function accountChooser(uid: string, user: { name: string; email: string; workspaceName: string }): string {
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

export function consentPage(uid: string): string {
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

/** A sign-in that cannot go on (expired, or a request the workspace refuses): what to do next. */
export function problemPage(detail: string | undefined): string {
  return page(
    'Sign-in cannot continue',
    `<h1>This sign-in cannot continue</h1>
    <p class="problem" role="alert">This sign-in page has expired or is not valid.</p>
    <p>Close this window and choose <strong>Sign in</strong> again in Workspace Connect.</p>
    ${detail ? `<p><small>${escapeHtml(detail)}</small></p>` : ''}`,
  );
}
