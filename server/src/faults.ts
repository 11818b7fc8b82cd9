/**
 * Fault injection for tests and demos (only with test controls on): make the next matching
 * requests fail the ways a real workspace or network fails, so every failure the extension must
 * explain can be caused on purpose.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson, sendProblem } from './http';

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

  return {
    arm(fault: Fault): void {
      faults.push({ ...fault, remaining: fault.times ?? 1, pattern: new RegExp(fault.path) });
    },
    clear(): void {
      faults.length = 0;
    },
    list: () => faults.map(({ pattern: _pattern, ...fault }) => fault),

    /** Applies the first armed fault for this request; false when the request should go on. */
    async apply(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
      const index = faults.findIndex((f) => f.remaining > 0 && (!f.method || f.method === req.method) && f.pattern.test(path));
      if (index < 0) return false;
      const fault = faults[index];
      if (!fault) return false;
      fault.remaining -= 1;
      if (fault.remaining === 0) faults.splice(index, 1);
      switch (fault.kind) {
        case 'delay':
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
          return false;
        case 'drop':
          req.socket.destroy();
          return true;
        case 'drop-after': {
          // The handler runs and stores its effects; only the answer is lost on the way back.
          res.end = (() => {
            req.socket.destroy();
            return res;
          }) as typeof res.end;
          return false;
        }
        case 'malformed':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"integrations": [ {"id": ');
          return true;
        case 'unexpected':
          sendJson(res, 200, fault.body ?? { id: 42, ok: 'yes' });
          return true;
        case 'respond':
          sendJson(res, fault.status ?? 200, fault.body ?? {}, fault.headers ?? {});
          return true;
        case 'status': {
          const status = fault.status ?? 500;
          sendProblem(
            res,
            new HttpError(status, fault.code ?? `injected_${status}`, `Injected ${status}`, fault.detail, fault.headers ?? {}),
          );
          return true;
        }
      }
    },
  };
}
