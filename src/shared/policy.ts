/**
 * What an organization's IT sets for the extension through the browser's policies
 * (`storage.managed`; `managed_schema.json` describes it to Chromium): preset workspaces, whether
 * admins may use others, whether API tokens are allowed, the health-check interval, whether
 * notifications show. Read once per change by the worker, which stores the result for the pages.
 */
import * as v from 'valibot';
import { MAX_HEALTH_CHECK_MINUTES, MIN_HEALTH_CHECK_MINUTES, type Policy } from './state';
import { parseWorkspaceUrl } from './workspace-url';

const PresetSchema = v.object({ url: v.string(), name: v.optional(v.string()) });
const IntervalSchema = v.pipe(v.number(), v.integer(), v.minValue(MIN_HEALTH_CHECK_MINUTES), v.maxValue(MAX_HEALTH_CHECK_MINUTES));

const flag = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/**
 * The policy in force, from what `storage.managed.get()` returned; null when nothing is managed
 * (no policy, an empty one, or nothing this release understands): the extension behaves as ever.
 */
export function parsePolicy(raw: unknown): Policy | null {
  if (typeof raw !== 'object' || raw === null) return null;
  // Each value is checked on its own: one of the wrong type is left out, never half-used.
  const managed = raw as Record<string, unknown>;
  const workspaces = (Array.isArray(managed.workspaces) ? (managed.workspaces as unknown[]) : []).flatMap((item) => {
    const preset = v.safeParse(PresetSchema, item);
    if (!preset.success) return [];
    const url = parseWorkspaceUrl(preset.output.url);
    return url.ok ? [{ url: url.value.href, ...(preset.output.name?.trim() ? { name: preset.output.name.trim() } : {}) }] : [];
  });
  const interval = v.safeParse(IntervalSchema, managed.healthCheckMinutes);
  const policy: Policy = {
    workspaces,
    ...(flag(managed.allowOtherWorkspaces) === false && workspaces.length > 0 ? { allowOtherWorkspaces: false } : {}),
    ...(flag(managed.allowApiTokens) === false ? { allowApiTokens: false } : {}),
    ...(interval.success ? { healthCheckMinutes: interval.output } : {}),
    ...(flag(managed.notifications) === false ? { notifications: false } : {}),
  };
  return Object.keys(policy).length === 1 && workspaces.length === 0 ? null : policy;
}

/** Whether the policy lets the admin use this workspace URL (already normalized). */
export const workspaceAllowed = (policy: Policy | undefined, workspaceUrl: string): boolean =>
  policy?.allowOtherWorkspaces !== false || policy.workspaces.some((preset) => preset.url === workspaceUrl);
