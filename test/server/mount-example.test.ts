/** The README's "Mounting the API" example, run as written: a Node backend serving its own routes and the workspace API. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ensureWorkspace } from '../../server/src/data/workspaces';
import { DEMO_ADMIN_TOKEN, demoWorkspace } from '../../server/src/model';
import { openStorage } from '../../server/src/workspace';
import { freePort } from '../../scripts/processes';
import { postgresUrl } from './helpers';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/mount-workspace-api.ts');

describe.skipIf(postgresUrl)('mounting the API in another Node backend', () => {
  it('is in the README as it is in examples/, and serves the API beside the backend’s own routes', async () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(readFileSync(example, 'utf8').trim());

    // The backend's working folder, with a workspace created in its embedded database.
    const cwd = await mkdtemp(join(tmpdir(), 'wc-mount-'));
    try {
      const { db } = await openStorage({ dataDir: join(cwd, '.data/workspace') });
      await ensureWorkspace(db, demoWorkspace());
      await db.close();

      const port = await freePort();
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), example], {
        cwd,
        env: { ...process.env, PORT: String(port), STRIPE_LIVE_SECRET_KEY: 'sk_live_example', STRIPE_LIVE_CLIENT_ID: 'ca_example' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        for await (const line of createInterface({ input: child.stdout })) if (line === 'ready') break;
        const base = `http://127.0.0.1:${port}`;
        const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}` } });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({ workspace: { name: 'Acme Analytics' }, role: 'admin' });
        expect((await fetch(`${base}/api/v1/integrations`)).status).toBe(401);
        expect(await (await fetch(`${base}/dashboard`)).text()).toBe('your own routes');
      } finally {
        child.kill('SIGKILL');
      }
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
