/**
 * The production entry (`server/src/main.ts`, real Stripe keys, no emulator) serves sign-in with
 * the workspace: its issuer is the public URL it is given, the extension's redirect URLs are
 * registered, and the sign-in cookies' key derives from the workspace key (the same after a restart).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGN_IN_REDIRECT_URIS } from '../../scripts/extension-ids';
import { spawnReady } from '../../scripts/processes';
import { discover } from '../../src/shared/workspace-sign-in';

describe('the production entry', () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves sign-in for the extension in Chromium and Firefox; a sign-in begun before a restart finishes after it', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wc-main-'));
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      STRIPE_LIVE_SECRET_KEY: 'sk_live_not_used_here',
      STRIPE_LIVE_INSTALL_LINK: 'https://marketplace.stripe.com/oauth/v2/chnlink_1Abc/authorize?client_id=ca_NotUsed',
    };
    const first = await spawnReady('server/src/main.ts', env);
    children.push(first.child);
    const url = first.ready.workspaceUrl!;
    // Without WORKSPACE_URL, the issuer is the address it listens on.
    const discovered = await discover(new URL(url), { now: Date.now });
    expect(discovered).toMatchObject({ ok: true, value: { issuer: url, token_endpoint: `${url}/token` } });

    // Each browser's redirect URL is accepted: the sign-in page follows.
    for (const redirectUri of SIGN_IN_REDIRECT_URIS) {
      const authorize = new URL(`${url}/auth`);
      authorize.search = new URLSearchParams({
        client_id: 'workspace-connect-extension',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'workspace',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'x',
      }).toString();
      const answer = await fetch(authorize, { redirect: 'manual' });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toMatch(/^\/sign-in\//);
    }
    // The workspace restarts (a deploy) while an admin is on its sign-in page: the page's cookie
    // is signed with a key derived from the workspace key, which the restart keeps.
    const begun = await fetch(
      `${url}/auth?${new URLSearchParams({ client_id: 'workspace-connect-extension', redirect_uri: SIGN_IN_REDIRECT_URIS[0]!, response_type: 'code', scope: 'workspace', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'y' })}`,
      { redirect: 'manual' },
    );
    const page = begun.headers.get('location')!;
    const cookies = begun.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await spawnReady('server/src/main.ts', env);
    children.push(second.child);
    const resumed = await fetch(`${second.ready.workspaceUrl}${page}`, { headers: { Cookie: cookies } });
    expect(resumed.status).toBe(200);
    expect(await resumed.text()).toContain('Sign in to your workspace');

    // An unregistered one is refused on the workspace's own page, never redirected to.
    const elsewhere = await fetch(
      `${second.ready.workspaceUrl}/auth?client_id=workspace-connect-extension&response_type=code&scope=workspace&redirect_uri=https://evil.example/`,
      {
        redirect: 'manual',
      },
    );
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('This sign-in cannot continue');
    // A sign-in page whose cookie is gone says what to do next.
    const stale = await fetch(`${second.ready.workspaceUrl}${page}`);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('choose <strong>Sign in</strong> again in Workspace Connect');
  });

  it('behind a proxy: WORKSPACE_URL is the issuer, and the endpoints are named as the browser reaches them', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wc-main-'));
    const { child, ready } = await spawnReady('server/src/main.ts', {
      PORT: '0',
      DATA_DIR: dataDir,
      WORKSPACE_URL: 'https://analytics.example.com/',
      STRIPE_LIVE_SECRET_KEY: 'sk_live_not_used_here',
      STRIPE_LIVE_INSTALL_LINK: 'https://marketplace.stripe.com/oauth/v2/chnlink_1Abc/authorize?client_id=ca_NotUsed',
    });
    children.push(child);
    const metadata = (await (
      await fetch(`${ready.workspaceUrl}/.well-known/oauth-authorization-server`, {
        headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'analytics.example.com' },
      })
    ).json()) as Record<string, string>;
    expect(metadata.issuer).toBe('https://analytics.example.com');
    expect(metadata.token_endpoint).toBe('https://analytics.example.com/token');
  });
});
