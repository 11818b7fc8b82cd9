/**
 * Every request body the workspace API accepts, as valibot schemas written from
 * `openapi/workspace-api.yaml` (`additionalProperties: false` is a strict object). A body that does
 * not fit is answered 422 `invalid_body`, naming the field; what fits is typed from here on.
 * test/server/requests.test.ts holds each schema to the document's.
 */
import * as v from 'valibot';
import { HttpError } from './problems';

export const ConnectSessionRequest = v.strictObject({
  provider: v.string(),
  redirectUri: v.string(),
  integrationId: v.exactOptional(v.string()),
  mode: v.exactOptional(v.picklist(['live', 'test'])),
});

export const CompletionRequest = v.union([
  v.strictObject({ code: v.string(), state: v.string() }),
  v.strictObject({ error: v.string(), errorDescription: v.exactOptional(v.string()), state: v.exactOptional(v.string()) }),
]);
export type Completion = v.InferOutput<typeof CompletionRequest>;

export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, body);
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  // A union names no field of its own: its closest branch's first issue does.
  const deepest = issue.issues?.[0] ?? issue;
  const where = deepest.path?.map((p) => String(p.key)).join('.');
  throw new HttpError(422, 'invalid_body', 'Invalid request body', where ? `${where}: ${deepest.message}` : deepest.message);
}
