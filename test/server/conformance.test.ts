/** The conformance kit passes on the reference workspace, and fails where a workspace breaks the contract. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runConformance } from '../../conformance/checks';
import { DEMO_ADMIN_TOKEN, DEMO_STANDARD_TOKEN } from '../../server/src/model';
import { startTestServer } from './helpers';

const root = resolve(import.meta.dirname, '../..');

describe('conformance kit', () => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  afterEach(async () => {
    await t.close();
  });

  const arm = (fault: Record<string, unknown>) =>
    fetch(`${t.server.url}/__test/faults`, { method: 'POST', body: JSON.stringify({ times: 100, ...fault }) });

  it('npm run conformance: every check passes on the reference workspace, as a table', async () => {
    t = await startTestServer({ testControls: true });
    await fetch(`${t.server.url}/__test/integrations/seed`, { method: 'POST', body: JSON.stringify({ count: 3 }) });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'conformance/cli.ts', t.server.url, DEMO_ADMIN_TOKEN, '--standard-token', DEMO_STANDARD_TOKEN],
      { cwd: root },
    );
    expect(stdout).toMatch(/^PASS {2}profile: who the token belongs to {2,}Ana García in Acme Analytics$/m);
    expect(stdout).toMatch(/^PASS {2}list: pagination \(limit \+ cursor\) {2,}3 pages of one/m);
    expect(stdout).toContain('8 passed, 0 failed, 0 skipped');
  }, 60_000);

  it('says what it could not check: pages without two integrations, the admin gate without a member token', async () => {
    t = await startTestServer();
    const results = await runConformance({ workspaceUrl: t.server.url, adminToken: DEMO_ADMIN_TOKEN });
    expect(results.filter((r) => r.verdict !== 'pass').map((r) => [r.verdict, r.name])).toEqual([
      ['skip', 'list: pagination (limit + cursor)'],
      ['skip', 'admin gate: members who are not admins may read but not connect'],
    ]);
  });

  it('fails, saying why, where a workspace breaks the contract', async () => {
    t = await startTestServer({ testControls: true });
    // A list without its ETag, a profile of the wrong shape, and replays that forget their answer.
    await arm({ method: 'GET', path: '^/api/v1/integrations$', kind: 'respond', status: 200, body: { integrations: [] } });
    await arm({ method: 'GET', path: '^/api/v1/me$', kind: 'unexpected', times: 1 });
    const failed = (await runConformance({ workspaceUrl: t.server.url, adminToken: DEMO_ADMIN_TOKEN })).filter((r) => r.verdict === 'fail');
    expect(failed.map((r) => r.name)).toEqual([
      'profile: who the token belongs to',
      'list: shape, ETag and 304',
      // The same broken list accepts limit=0 as well.
      'list: pagination (limit + cursor)',
    ]);
    expect(failed[0]!.detail).toMatch(/required property/);
    expect(failed[1]!.detail).toMatch(/header ETag missing|no ETag/);
    expect(failed[2]!.detail).toMatch(/header ETag missing/);

    const { stdout, code } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'conformance/cli.ts', t.server.url, DEMO_ADMIN_TOKEN],
      { cwd: root },
    ).then(
      (ok) => ({ ...ok, code: 0 }),
      (error: unknown) => error as { stdout: string; code: number },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}list: shape, ETag and 304/m);
  }, 60_000);
});
