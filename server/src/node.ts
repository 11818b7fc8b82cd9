/** The small Node entry: any fetch-style app (the workspace API) on a node:http server. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(
  app: { fetch: Parameters<typeof serve>[0]['fetch'] },
  options: { port?: number; host?: string } = {},
): Promise<NodeServer> {
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(started as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
