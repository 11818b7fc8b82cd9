/**
 * The Stripe objects a workspace syncs (the ones analytics tools document for Stripe), each into a
 * table of its own. Pure: names, tables, and which object an event is about.
 */
export const SYNCED_OBJECTS = [
  'customers',
  'charges',
  'coupons',
  'invoices',
  'plans',
  'prices',
  'products',
  'subscriptions',
  'events',
] as const;
export type SyncedObject = (typeof SYNCED_OBJECTS)[number];

/** A closed list, so a table name is never built from input. */
export const tableOf = (object: SyncedObject): string => `stripe_${object}`;

/** The kind of a Stripe object (`data.object.object` in an event) → the list it belongs to. */
const BY_STRIPE_TYPE: Readonly<Record<string, Exclude<SyncedObject, 'events'>>> = {
  customer: 'customers',
  charge: 'charges',
  coupon: 'coupons',
  invoice: 'invoices',
  plan: 'plans',
  price: 'prices',
  product: 'products',
  subscription: 'subscriptions',
};

/** One Stripe object as the sync stores it. */
export interface StripeRecord {
  id: string;
  object: string;
  /** Unix seconds. */
  created?: number;
  livemode?: boolean;
  deleted?: boolean;
  [field: string]: unknown;
}

/** What an event changes: the object it carries, in its list, and whether it was deleted. */
export function changeOf(event: StripeRecord): { object: Exclude<SyncedObject, 'events'>; record: StripeRecord; deleted: boolean } | null {
  const carried = (event.data as { object?: StripeRecord } | undefined)?.object;
  const object = carried && BY_STRIPE_TYPE[carried.object];
  if (!carried || !object || typeof carried.id !== 'string') return null;
  const deleted = carried.deleted === true || (typeof event.type === 'string' && event.type.endsWith('.deleted'));
  return { object, record: carried, deleted };
}

/**
 * How many rows a first import will find, as a multiple of the rows it has: lists come newest
 * first, so the share of the account's life already covered (from the import's start back to the
 * last row stored) stands for the share of rows. Null when the account's creation is unknown or
 * no time is covered yet (rows created in one burst just now).
 */
export function importScale(span: { startedAt: number; lastCreatedAt: number | null; accountCreatedAt: number | null }): number | null {
  const { startedAt, lastCreatedAt, accountCreatedAt } = span;
  if (accountCreatedAt === null || lastCreatedAt === null) return null;
  const whole = startedAt - accountCreatedAt;
  const covered = startedAt - lastCreatedAt;
  if (whole <= 0 || covered <= 0) return null;
  return Math.max(1, whole / covered);
}
