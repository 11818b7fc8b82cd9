import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceServer, type ReferenceServerOptions } from '../../server/dev/reference-server';
import { DEMO_ADMIN_TOKEN } from '../../server/src/model';
import { inject } from 'vitest';
import { createDatabase } from '../../scripts/postgres';
import { testDatabase } from '../support/pglite-template';

export { DEVELOPMENT_REDIRECT_URI as REDIRECT_URI } from '../../scripts/extension-ids';

/** Set in the `server-postgres` project: the suite runs on that PostgreSQL server, else on PGlite. */
export const postgresUrl: string | undefined = inject('postgresUrl');
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Where one test server keeps its data: a new database on the PostgreSQL server, or a fresh PGlite. */
export async function testStorage(): Promise<Pick<ReferenceServerOptions, 'database' | 'databaseUrl' | 'encryptionKey'>> {
  if (postgresUrl) return { databaseUrl: await createDatabase(postgresUrl), encryptionKey: TEST_ENCRYPTION_KEY };
  return { database: await testDatabase() };
}

export async function startTestServer(options: Partial<ReferenceServerOptions> = {}) {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'wc-server-')));
  const storage = options.dataDir || options.databaseUrl ? {} : await testStorage();
  const server = await startReferenceServer({ dataDir, ...storage, ...options });
  return {
    server,
    dataDir,
    api(path: string, init: RequestInit & { token?: string | null } = {}) {
      const { token = DEMO_ADMIN_TOKEN, headers, ...rest } = init;
      return fetch(`${server.url}${path}`, {
        ...rest,
        headers: {
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
          ...(rest.body ? { 'Content-Type': 'application/json' } : {}),
          ...(headers as Record<string, string>),
        },
      });
    },
    async close() {
      await server.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a browser does on the emulator's page: submit the form, and read where it redirects. */
export async function authorizeOnEmulator(
  authorizeUrl: string,
  answer: { email?: string; password?: string; decision?: 'allow' | 'deny' } = {},
): Promise<URL> {
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set('email', answer.email ?? 'owner@acme.test');
  form.set('password', answer.password ?? 'stripe-demo');
  form.set('decision', answer.decision ?? 'allow');
  // The form posts back to the page it is on (Stripe Apps' install link, or Connect's authorize page).
  const response = await fetch(new URL(url.pathname, url.origin), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  if (response.status !== 302) throw new Error(`emulator answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location')!);
}
