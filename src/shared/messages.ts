/**
 * The one contract between the pages (popup, options) and the service worker: commands go in,
 * state comes back through `storage`. Checked at run time because a message is just `unknown`.
 */
import * as v from 'valibot';
import type { AppError } from './errors';

export const CommandSchema = v.variant('type', [
  v.object({ type: v.literal('connect') }),
  v.object({ type: v.literal('reauthenticate'), integrationId: v.pipe(v.string(), v.minLength(1)) }),
  v.object({ type: v.literal('save-settings'), workspaceUrl: v.string(), token: v.string() }),
  v.object({ type: v.literal('check-profile') }),
  v.object({ type: v.literal('dismiss-flow') }),
]);
export type Command = v.InferOutput<typeof CommandSchema>;

export type CommandReply = { ok: true } | { ok: false; error: AppError };

export function parseCommand(message: unknown): Command | null {
  const parsed = v.safeParse(CommandSchema, message);
  return parsed.success ? parsed.output : null;
}
