/**
 * The one contract between the pages (popup, options) and the service worker: commands go in,
 * state comes back through `storage`. Checked at run time because a message is just `unknown`.
 */
import * as v from 'valibot';
import type { AppError } from './errors';
import { MAX_HEALTH_CHECK_MINUTES, MAX_WORKSPACE_NAME, MIN_HEALTH_CHECK_MINUTES } from './state';

export const CommandSchema = v.variant('type', [
  // Test mode only where the workspace offers it (`GET /me`); live otherwise.
  v.object({ type: v.literal('connect'), mode: v.optional(v.picklist(['live', 'test'])) }),
  v.object({ type: v.literal('reauthenticate'), integrationId: v.pipe(v.string(), v.minLength(1)) }),
  v.object({
    type: v.literal('save-settings'),
    workspaceUrl: v.string(),
    token: v.string(),
    keepSignedIn: v.optional(v.boolean()),
  }),
  // Sign-in with the workspace's own page (OAuth, in the worker); the options page asked for the origin first.
  v.object({ type: v.literal('sign-in'), workspaceUrl: v.string(), keepSignedIn: v.optional(v.boolean()) }),
  v.object({ type: v.literal('focus-flow') }),
  v.object({ type: v.literal('cancel-flow') }),
  v.object({ type: v.literal('check-profile') }),
  v.object({ type: v.literal('dismiss-flow') }),
  // Signs out of a workspace and forgets it: the active one unless another is named.
  v.object({ type: v.literal('sign-out'), workspaceUrl: v.optional(v.string()) }),
  v.object({ type: v.literal('switch-workspace'), workspaceUrl: v.string() }),
  // An empty name gives the workspace its own name back.
  v.object({ type: v.literal('rename-workspace'), workspaceUrl: v.string(), name: v.pipe(v.string(), v.maxLength(MAX_WORKSPACE_NAME)) }),
  v.object({ type: v.literal('popup-opened') }),
  v.object({ type: v.literal('check-health') }),
  v.object({ type: v.literal('disconnect'), integrationId: v.pipe(v.string(), v.minLength(1)) }),
  v.object({
    type: v.literal('set-health-interval'),
    minutes: v.pipe(v.number(), v.integer(), v.minValue(MIN_HEALTH_CHECK_MINUTES), v.maxValue(MAX_HEALTH_CHECK_MINUTES)),
  }),
]);
export type Command = v.InferOutput<typeof CommandSchema>;

export type CommandReply = { ok: true } | { ok: false; error: AppError };

export function parseCommand(message: unknown): Command | null {
  const parsed = v.safeParse(CommandSchema, message);
  return parsed.success ? parsed.output : null;
}
