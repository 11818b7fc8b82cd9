/** RFC 9457 problem details: every error the API answers, and the one place they become a Response. */
import type { Context } from 'hono';
import { DatabaseUnavailableError } from './db/database';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export function problemBody(error: HttpError) {
  return {
    type: `https://workspace-connect.dev/problems/${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
  };
}

export function problemResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });

/** Hono's `onError`: a typed problem as itself, an unreachable database as 503, anything else as 500. */
export function answerError(error: Error, _c: Context): Response {
  if (error instanceof HttpError) return problemResponse(error.status, problemBody(error), error.headers);
  if (error instanceof DatabaseUnavailableError) {
    const unavailable = new HttpError(
      503,
      'database_unavailable',
      'Service unavailable',
      'The workspace database cannot be reached. Retry shortly.',
      {
        'Retry-After': '5',
      },
    );
    return problemResponse(503, problemBody(unavailable), unavailable.headers);
  }
  console.error(error);
  return problemResponse(500, problemBody(new HttpError(500, 'internal_error', 'Internal server error')));
}

export const notFound = (c: Context): Response =>
  answerError(new HttpError(404, 'not_found', 'Not found', `${c.req.method} ${new URL(c.req.url).pathname} is not part of this API.`), c);

const MAX_BODY_BYTES = 64 * 1024;

/** The request's JSON body (an empty body reads as `{}`): 413 when too large, 400 when not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await readText(request);
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'Request body is not valid JSON');
  }
}

export async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', 'Request body too large');
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', 'Request body too large');
  return text;
}
