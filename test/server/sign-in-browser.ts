/**
 * A browser on the workspace's sign-in pages, for server-side tests: it keeps the workspace's
 * cookies, follows its redirects, signs in and answers the consent page, and stops where the
 * workspace sends it back to the extension (as `identity.launchWebAuthFlow` does).
 */
import { DEMO_PASSWORD } from '../../server/src/model';

export interface SignInAnswers {
  email?: string;
  password?: string;
  decision?: 'allow' | 'deny';
}

/** The browser's cookies for one origin, enough for the sign-in pages. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    keep(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    },
  };
}

/**
 * Opens `authorizeUrl` and goes through the pages: the redirect back (`back`, a URL starting with
 * `redirectUri`), or the page it stopped on (`page`, e.g. a wrong password).
 */
export async function browseSignIn(
  authorizeUrl: string,
  redirectUri: string,
  answers: SignInAnswers = {},
): Promise<{ back: URL; page?: never } | { back?: never; page: string }> {
  const origin = new URL(authorizeUrl).origin;
  const jar = cookieJar();
  const visit = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(new URL(url, origin), {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { Cookie: jar.header(), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    jar.keep(response);
    return response;
  };
  // Follows redirects on the workspace (with its cookies) until a page or the way back.
  const follow = async (response: Response): Promise<Response | URL> => {
    let current = response;
    while (current.status >= 300 && current.status < 400) {
      const location = new URL(current.headers.get('location')!, origin);
      if (location.href.startsWith(redirectUri)) return location;
      current = await visit(location.href);
    }
    return current;
  };
  const signInPage = await follow(await visit(authorizeUrl));
  if (signInPage instanceof URL) return { back: signInPage };
  const uid = /\/sign-in\/([^/]+)\/login/.exec(await signInPage.text())?.[1];
  if (!uid) throw new Error(`no sign-in page at ${authorizeUrl}`);
  const afterLogin = await follow(
    await visit(`/sign-in/${uid}/login`, { email: answers.email ?? 'ana@acme.test', password: answers.password ?? DEMO_PASSWORD }),
  );
  if (afterLogin instanceof URL) return { back: afterLogin };
  const page = await afterLogin.text();
  if (!page.includes('Allow Workspace Connect?')) return { page };
  const consentUid = /\/sign-in\/([^/]+)\/consent/.exec(page)![1]!;
  const back = await follow(await visit(`/sign-in/${consentUid}/consent`, { decision: answers.decision ?? 'allow' }));
  if (!(back instanceof URL)) throw new Error(`no way back: ${back.status}`);
  return { back };
}
