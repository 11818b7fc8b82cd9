import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';
import { authorizeOnEmulator, REDIRECT_URI } from './helpers';

const root = resolve(import.meta.dirname, '../..');

/** The reference server as `npm run server` runs it, in its own process that we can kill. */
async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the server in a grandchild that SIGKILL would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/dev/main.ts')], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('{')) return { child, url: (JSON.parse(line) as { workspaceUrl: string }).workspaceUrl };
  }
  throw new Error('server exited before it was ready');
}

const api = (url: string, path: string, init: RequestInit = {}) =>
  fetch(url + path, {
    ...init,
    headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers as object) },
  });

describe('reference server durability', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('keeps an acknowledged connection across a kill -9 and a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wc-durable-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await spawnServer(dataDir);
    cleanup.push(async () => first.child.kill('SIGKILL'));

    const session = (await (
      await api(first.url, '/api/v1/connect-sessions', {
        method: 'POST',
        body: JSON.stringify({ provider: 'stripe', redirectUri: REDIRECT_URI }),
      })
    ).json()) as { id: string; authorizeUrl: string };
    const redirect = await authorizeOnEmulator(session.authorizeUrl);
    const completed = await api(first.url, `/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'durable-key-1' },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    expect(completed.status).toBe(201);
    const integration = await completed.json();

    // No graceful shutdown: whatever was acknowledged must already be on disk.
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));

    const second = await spawnServer(dataDir);
    cleanup.push(async () => second.child.kill('SIGKILL'));
    const list = (await (await api(second.url, '/api/v1/integrations')).json()) as { integrations: unknown[] };
    expect(list.integrations).toEqual([integration]);
    // …and the idempotency record too: a retry after the crash gets the same answer, not a second integration.
    const retry = await api(second.url, `/api/v1/connect-sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'durable-key-1' },
      body: JSON.stringify({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    });
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(integration);
  }, 30_000);
});
