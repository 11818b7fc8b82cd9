/**
 * Run-time schemas for every workspace API answer (see openapi/workspace-api.yaml). Nothing the
 * workspace sends is used before it passes one of these.
 */
import * as v from 'valibot';

const isoDateTime = v.pipe(v.string(), v.isoTimestamp());

/**
 * Forward compatibility: a workspace newer than this extension may add roles, statuses and fields.
 * Unknown fields are dropped, unknown roles and statuses are kept as strings and shown neutrally,
 * and one integration the extension cannot read never hides the others.
 */
export const RoleSchema = v.string();

/** Stripe's live and test modes; a workspace lists the ones it offers. */
export type StripeMode = 'live' | 'test';

export const MeSchema = v.object({
  user: v.object({ id: v.string(), name: v.string(), email: v.string() }),
  workspace: v.object({
    id: v.string(),
    name: v.string(),
    // Absent (an older workspace): live only. Modes this release does not know are left out.
    stripeModes: v.optional(
      v.pipe(
        v.array(v.string()),
        v.transform((modes) => modes.filter((mode): mode is StripeMode => mode === 'live' || mode === 'test')),
      ),
    ),
  }),
  role: RoleSchema,
});
export type Me = v.InferOutput<typeof MeSchema>;

export const IntegrationStatusSchema = v.pipe(v.string(), v.minLength(1));

/** One kind of Stripe object the workspace syncs; `name` is Stripe's list (customers, invoices…), shown as is when unknown. */
const SyncedObjectSchema = v.object({
  name: v.string(),
  rows: v.number(),
  importing: v.boolean(),
  expectedRows: v.nullable(v.number()),
  lastSuccessAt: v.nullable(isoDateTime),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
});

export const IntegrationSchema = v.object({
  id: v.string(),
  provider: v.literal('stripe'),
  status: IntegrationStatusSchema,
  stripeAccountId: v.pipe(v.string(), v.startsWith('acct_')),
  // Null: Stripe did not let the workspace read it (Stripe Apps tokens may not); see `accountLabel`.
  stripeAccountName: v.nullable(v.string()),
  livemode: v.boolean(),
  connectedAt: isoDateTime,
  lastSyncAt: v.nullable(isoDateTime),
  reason: v.nullable(v.string()),
  // What the workspace's sync has done. Absent (a workspace that does not sync) or unreadable:
  // nothing is shown about it, and the integration still is.
  sync: v.fallback(v.optional(v.nullable(v.object({ importing: v.boolean(), objects: v.array(SyncedObjectSchema) })), null), null),
});
export type Integration = v.InferOutput<typeof IntegrationSchema>;
export type IntegrationSync = NonNullable<Integration['sync']>;
export type SyncedObject = IntegrationSync['objects'][number];

/** The list's envelope; each item is read on its own (see `readIntegrations`). */
// `nextCursor` absent: a workspace that does not paginate (the whole list in one answer).
export const IntegrationListSchema = v.object({ integrations: v.array(v.unknown()), nextCursor: v.optional(v.nullable(v.string())) });

/** The integrations this extension can show, and how many it could not read. */
export function readIntegrations(items: readonly unknown[]): { integrations: Integration[]; unreadable: number } {
  const integrations: Integration[] = [];
  for (const item of items) {
    const parsed = v.safeParse(IntegrationSchema, item);
    if (parsed.success) integrations.push(parsed.output);
  }
  return { integrations, unreadable: items.length - integrations.length };
}

export const ConnectSessionSchema = v.object({
  id: v.string(),
  authorizeUrl: v.pipe(v.string(), v.url()),
  expiresAt: isoDateTime,
});
export type ConnectSession = v.InferOutput<typeof ConnectSessionSchema>;

/** RFC 9457 problem details; `code` is the workspace's machine-readable reason. */
export const ProblemSchema = v.object({
  type: v.optional(v.string()),
  title: v.optional(v.string()),
  status: v.optional(v.number()),
  detail: v.optional(v.string()),
  code: v.optional(v.string()),
});
export type Problem = v.InferOutput<typeof ProblemSchema>;
