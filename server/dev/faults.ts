/**
 * Fault injection for tests and demos (only with test controls on): make the next matching
 * requests fail the ways a real workspace or network fails, so every failure the extension must
 * explain can be caused on purpose. Hono middleware in front of the workspace API; never part of
 * the production module graph.
 */
import type { HttpBindings } from '@hono/node-server';
import { createMiddleware } from 'hono/factory';
import { HttpError, jsonResponse, problemBody, problemResponse } from '../src/problems';

export type FaultKind =
  | 'status' // answer with this status as problem+json (code, detail, headers as given)
  | 'respond' // answer with this status and JSON body, whatever the real handler would say
  | 'delay' // wait, then handle normally
  | 'drop' // close the connection without an answer
  | 'drop-after' // handle normally (and keep what it did), then lose the answer
  | 'malformed' // 200 with a body that is not JSON
  | 'unexpected'; // 200 with JSON of the wrong shape

export interface Fault {
  method?: string;
  /** A regular expression matched against the request path. */
  path: string;
  kind: FaultKind;
  status?: number;
  code?: string;
  detail?: string;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

interface ArmedFault extends Fault {
  remaining: number;
  pattern: RegExp;
}

export function createFaultInjector() {
  const faults: ArmedFault[] = [];

  /** The first armed fault for this request, used up by one. */
  function take(method: string, path: string): ArmedFault | null {
    const index = faults.findIndex((f) => f.remaining > 0 && (!f.method || f.method === method) && f.pattern.test(path));
    const fault = faults[index];
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining === 0) faults.splice(index, 1);
    return fault;
  }

  const middleware = createMiddleware<{ Bindings: HttpBindings }>(async (c, next) => {
    const fault = take(c.req.method, new URL(c.req.url).pathname);
    if (!fault) return next();
    const socket = c.env.incoming.socket;
    switch (fault.kind) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
        return next();
      case 'drop':
        socket.destroy();
        return c.body(null, 500);
      case 'drop-after':
        // The handler runs and stores its effects; only the answer is lost on the way back.
        await next();
        socket.destroy();
        return;
      case 'malformed':
        return c.body('{"integrations": [ {"id": ', 200, { 'Content-Type': 'application/json' });
      case 'unexpected':
        return jsonResponse(200, fault.body ?? { id: 42, ok: 'yes' });
      case 'respond':
        return jsonResponse(fault.status ?? 200, fault.body ?? {}, fault.headers ?? {});
      case 'status': {
        const status = fault.status ?? 500;
        const error = new HttpError(status, fault.code ?? `injected_${status}`, `Injected ${status}`, fault.detail, fault.headers ?? {});
        return problemResponse(status, problemBody(error), error.headers);
      }
    }
  });

  return {
    arm(fault: Fault): void {
      faults.push({ ...fault, remaining: fault.times ?? 1, pattern: new RegExp(fault.path) });
    },
    clear(): void {
      faults.length = 0;
    },
    list: () => faults.map(({ pattern: _pattern, ...fault }) => fault),
    middleware,
  };
}
