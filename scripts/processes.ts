/** Starting the project's own processes for tests and the benchmark, and finding them a port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');

/**
 * Runs one of the project's TypeScript entry points (`server/dev/main.ts`, say) and waits for the
 * `{"ready": true, …}` line it prints when it listens. `node --import tsx`, not the tsx CLI: the CLI
 * runs the script in a grandchild that a SIGKILL of this child would miss.
 */
export async function spawnReady(
  script: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ready: Record<string, string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('{')) return { child, ready: JSON.parse(line) as Record<string, string> };
  }
  throw new Error(`${script} exited before it was ready`);
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}
