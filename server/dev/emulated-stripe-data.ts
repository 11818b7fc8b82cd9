/**
 * The objects the Stripe emulator lists, per account: seeded, realistic and virtual. The object at
 * `index` of a list is generated on demand from a PRNG keyed by (account, object, index), and its id
 * encodes that index, so a 50,000-row account costs nothing until a page of it is read and a cursor
 * resolves in O(1). Index 0 is the newest seeded object. Objects created later (by the emulator's
 * controls) are kept in memory and listed before the seeded ones, each with its event.
 * Pure data: no HTTP (stripe-emulator.ts authenticates, injects faults and answers).
 */
import { SYNCED_OBJECTS, type SyncedObject } from '../src/sync/objects';
import type { EmulatedAccount } from './stripe-emulator';

// The objects a workspace syncs are the ones the emulator serves.
export { SYNCED_OBJECTS, type SyncedObject } from '../src/sync/objects';
export const isSyncedObject = (name: unknown): name is SyncedObject => SYNCED_OBJECTS.some((object) => object === name);

/** The API version of the emulated account: its events say it, as Stripe's do. */
export const EMULATED_API_VERSION = '2025-01-27.acacia';
/** When the demo accounts were created (2024-03-01T00:00:00Z), in unix seconds as Stripe gives it. */
export const DEMO_ACCOUNT_CREATED = Date.UTC(2024, 2, 1) / 1000;
export const ACME_STORE_ROWS: Record<SyncedObject, number> = {
  customers: 1500,
  charges: 2400,
  invoices: 1200,
  subscriptions: 600,
  coupons: 12,
  plans: 8,
  prices: 16,
  products: 8,
  events: 400,
};
export const GLOBEX_SHOP_ROWS: Record<SyncedObject, number> = {
  customers: 120,
  charges: 180,
  invoices: 90,
  subscriptions: 40,
  coupons: 3,
  plans: 4,
  prices: 6,
  products: 4,
  events: 60,
};
/** The Stripe Apps permission each list needs (prices come with plans' permission, as at Stripe). */
export const READ_PERMISSIONS: Record<SyncedObject, string> = {
  customers: 'customer_read',
  charges: 'charge_read',
  coupons: 'coupon_read',
  invoices: 'invoice_read',
  plans: 'plan_read',
  prices: 'plan_read',
  products: 'product_read',
  subscriptions: 'subscription_read',
  events: 'event_read',
};

/** Any Stripe object: what lists and events carry. */
export interface StripeObject {
  id: string;
  object: string;
  created: number;
  livemode: boolean;
  [field: string]: unknown;
}
export interface StripeList {
  object: 'list';
  url: string;
  has_more: boolean;
  data: StripeObject[];
}
/** An error as Stripe's API answers it (`{ error: … }` with this HTTP status). */
export interface StripeApiError {
  status: number;
  type: 'invalid_request_error';
  code?: string;
  param?: string;
  message: string;
}
type Outcome<T> = T | { error: StripeApiError };

/** What the data needs of an account. */
export type DataAccount = Pick<EmulatedAccount, 'id' | 'livemode' | 'data' | 'created'>;

export interface AccountData {
  /** One page of a list, with Stripe's parameters (`limit`, `starting_after`, `ending_before`, `created`, …). */
  list(object: SyncedObject, params: URLSearchParams): Outcome<{ list: StripeList }>;
  /** New objects, newer than every other (created at `now`, unix seconds), each with its `*.created` event. */
  create(object: SyncedObject, count: number, now: number): Outcome<{ objects: StripeObject[]; events: StripeObject[] }>;
  /** Deletes an object (a subscription is canceled, as Stripe does) and appends its event. */
  remove(object: SyncedObject, id: string, now: number): Outcome<{ object: StripeObject; event: StripeObject }>;
  /** How many objects the list holds now (canceled subscriptions included). */
  size(object: SyncedObject): number;
}

/**
 * A demo account with `total` rows spread over the objects in the Acme Store's proportions (largest
 * remainders, so they add up to `total`); `base` overrides the rest (not `data`).
 */
export function accountWithRows(total: number, base: Partial<EmulatedAccount> = {}): EmulatedAccount {
  const acmeTotal = Object.values(ACME_STORE_ROWS).reduce((sum, rows) => sum + rows, 0);
  const exact = perObject((object) => (total * ACME_STORE_ROWS[object]) / acmeTotal);
  const data = perObject((object) => Math.floor(exact[object]));
  const left = total - Object.values(data).reduce((sum, rows) => sum + rows, 0);
  for (const object of [...SYNCED_OBJECTS].sort((a, b) => (exact[b] % 1) - (exact[a] % 1)).slice(0, left)) data[object] += 1;
  return {
    id: 'acct_1BenchmarkStore0',
    email: 'owner@bench.test',
    password: 'stripe-demo',
    name: 'Benchmark Store',
    livemode: false,
    created: DEMO_ACCOUNT_CREATED,
    ...base,
    data,
  };
}

const DAY = 86_400;
const MAX_CREATED_AT_ONCE = 1000;

/** How Stripe names one object of each list (errors, events) and the prefix of its ids (coupons have codes). */
const KINDS: Record<SyncedObject, { singular: string; idPrefix: string | null; eventPrefix: string }> = {
  customers: { singular: 'customer', idPrefix: 'cus', eventPrefix: 'customer' },
  charges: { singular: 'charge', idPrefix: 'ch', eventPrefix: 'charge' },
  coupons: { singular: 'coupon', idPrefix: null, eventPrefix: 'coupon' },
  invoices: { singular: 'invoice', idPrefix: 'in', eventPrefix: 'invoice' },
  plans: { singular: 'plan', idPrefix: 'plan', eventPrefix: 'plan' },
  prices: { singular: 'price', idPrefix: 'price', eventPrefix: 'price' },
  products: { singular: 'product', idPrefix: 'prod', eventPrefix: 'product' },
  subscriptions: { singular: 'subscription', idPrefix: 'sub', eventPrefix: 'customer.subscription' },
  events: { singular: 'event', idPrefix: 'evt', eventPrefix: 'event' },
};
/** What events are about: everything but events. */
const EVENT_SOURCES = SYNCED_OBJECTS.filter((object) => object !== 'events');
/** What the list filters on besides `created` (Stripe's parameters for these lists). */
const STATUSES: Partial<Record<SyncedObject, readonly string[]>> = {
  subscriptions: ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'],
  invoices: ['draft', 'open', 'paid', 'uncollectible', 'void'],
};
const CREATED_BOUNDS = ['created', 'created[gt]', 'created[gte]', 'created[lt]', 'created[lte]'] as const;

// prettier-ignore
const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sofia', 'Lucas', 'Mia', 'Ethan', 'Amara', 'Hiro', 'Chloe', 'Arjun', 'Lena',
  'Omar', 'Grace', 'Diego', 'Yuki', 'Nora', 'Samuel', 'Zara', 'Felix', 'Ines', 'Kofi', 'Maya', 'Jonas', 'Priya', 'Leo', 'Elena',
];
// prettier-ignore
const LAST_NAMES = [
  'Smith', 'Garcia', 'Müller', 'Kim', 'Nguyen', 'Rossi', 'Okafor', 'Johnson', 'Silva', 'Tanaka', 'Brown', 'Dubois', 'Patel', 'Novak',
  'Larsen', 'Cohen', 'Martin', 'Costa', 'Schmidt', 'Lopez', 'Walker', 'Haddad', 'Ito', 'Moreau', 'Fischer', 'Reyes', 'Kowalski',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];
const PRODUCT_LINES = ['Starter', 'Growth', 'Pro', 'Team', 'Business', 'Enterprise'];
const PRODUCT_KINDS = ['plan', 'extra seats', 'priority support', 'storage add-on'];
/** Monthly list prices (cents): what charges, prices and plans cost. */
const MONTHLY_AMOUNTS = [900, 1900, 2900, 4900, 9900, 19900];
const CHARGE_FAILURES: Array<[code: string, message: string]> = [
  ['card_declined', 'Your card was declined.'],
  ['insufficient_funds', 'Your card has insufficient funds.'],
  ['expired_card', 'Your card has expired.'],
];
const CHARGE_DESCRIPTIONS = ['Subscription update', 'Subscription creation', 'Payment for invoice', 'One-time purchase'];

type Random = () => number;

/** A small fast PRNG (mulberry32) seeded by a string's FNV-1a hash: the same key, the same object. */
function seededRandom(key: string): Random {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  let state = hash >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  let left = random() * choices.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [choice, weight] of choices) if ((left -= weight) < 0) return choice;
  return pick(random, choices)[0];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (random: Random, length: number, alphabet = ALPHANUMERIC) =>
  Array.from({ length }, () => alphabet.charAt(Math.floor(random() * alphabet.length))).join('');

function perObject<T>(make: (object: SyncedObject) => T): Record<SyncedObject, T> {
  const record = {} as Record<SyncedObject, T>;
  for (const object of SYNCED_OBJECTS) record[object] = make(object);
  return record;
}

const error = (status: number, message: string, extra: { code?: string; param?: string } = {}): { error: StripeApiError } => ({
  error: { status, type: 'invalid_request_error', ...extra, message },
});

/** The part of ids that says whose they are (`cus_1AcmeS00001234`): a few letters of the account id. */
const idTag = (accountId: string) =>
  accountId
    .replace(/^acct_1?/, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 5)
    .padEnd(5, 'x');

interface ListState {
  /** Created later, oldest first; their index is the seeded count plus their place here. */
  added: StripeObject[];
  /** Deleted objects' indexes. */
  removed: Set<number>;
  /** Objects changed since (a canceled subscription), by index. */
  changed: Map<number, StripeObject>;
}

export function createAccountData(account: DataAccount, startedAt: number): AccountData {
  const tag = idTag(account.id);
  const { livemode } = account;
  const accountCreated = Math.min(account.created ?? DEMO_ACCOUNT_CREATED, startedAt);
  const seeded = perObject((object) => Math.max(0, Math.floor(account.data?.[object] ?? 0)));
  const lists = perObject<ListState>(() => ({ added: [], removed: new Set(), changed: new Map() }));
  const randomFor = (object: SyncedObject, index: number, salt = '') => seededRandom(`${account.id}:${object}:${index}${salt}`);

  // Ids encode the index: a cursor resolves without a search, and stays unique per account and object.
  const digits = (index: number, width = 8) => String(index).padStart(width, '0');
  const idOf = (object: SyncedObject, index: number) => {
    const prefix = KINDS[object].idPrefix;
    return prefix ? `${prefix}_1${tag}${digits(index)}` : `${tag.toUpperCase()}${digits(index, 3)}`;
  };
  const idPatterns = perObject((object) => {
    const prefix = KINDS[object].idPrefix;
    return prefix ? new RegExp(`^${prefix}_1${tag}(\\d{8,})$`) : new RegExp(`^${tag.toUpperCase()}(\\d{3,})$`);
  });
  /** The index of a listed (not deleted) object, or null. */
  function indexOfId(object: SyncedObject, id: string): number | null {
    const match = idPatterns[object].exec(id);
    if (!match) return null;
    const index = Number(match[1]);
    const exists = index < seeded[object] + lists[object].added.length && idOf(object, index) === id;
    return exists && !lists[object].removed.has(index) ? index : null;
  }

  // Seeded objects are created evenly from the account's creation to the emulator's start: index 0
  // newest, strictly older than `startedAt` (what is created later is newer than all of them).
  const lifetime = startedAt - accountCreated;
  function seededCreated(object: SyncedObject, index: number): number {
    const count = seeded[object];
    return accountCreated + Math.floor(((count - 1 - index) * lifetime) / count);
  }
  /** The newest seeded object created at or before `time` (the count when there is none). */
  function newestAtOrBefore(object: SyncedObject, time: number): number {
    const count = seeded[object];
    if (count === 0 || time < accountCreated) return count;
    // Close by arithmetic, then exact by a step or two.
    let index = lifetime > 0 ? Math.max(0, Math.min(count - 1, count - 1 - Math.floor(((time - accountCreated) * count) / lifetime))) : 0;
    while (index > 0 && seededCreated(object, index - 1) <= time) index--;
    while (index < count && seededCreated(object, index) > time) index++;
    return index;
  }
  /** A seeded object that existed at `time` (older ones more likely: they had longer to be referenced), or null. */
  function olderIndex(object: SyncedObject, time: number, random: Random): number | null {
    const count = seeded[object];
    const newest = newestAtOrBefore(object, time);
    return newest < count ? newest + Math.floor(random() * (count - newest)) : null;
  }

  // What each seeded object is, before its shape: others refer to these (a subscription's customer and price).
  function customerFacts(index: number) {
    const random = randomFor('customers', index);
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const suffix = random() < 0.5 ? String(Math.floor(random() * 100)) : '';
    const local = `${first}.${last}${suffix}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9.]/g, '');
    return { id: idOf('customers', index), name: `${first} ${last}`, email: `${local}@${pick(random, EMAIL_DOMAINS)}` };
  }
  function priceFacts(index: number, created: number) {
    const random = randomFor('prices', index);
    const productIndex = olderIndex('products', created, random);
    const interval = random() < 0.75 ? 'month' : 'year';
    const monthly = pick(random, MONTHLY_AMOUNTS);
    return {
      product: productIndex === null ? null : idOf('products', productIndex),
      interval,
      // A year costs ten months, as price pages usually say.
      unitAmount: interval === 'year' ? monthly * 10 : monthly,
    };
  }
  function subscriptionFacts(index: number, created: number, status?: string) {
    const random = randomFor('subscriptions', index);
    const customerIndex = olderIndex('customers', created, random);
    const priceIndex = olderIndex('prices', created, random);
    const quantity = random() < 0.8 ? 1 : 2 + Math.floor(random() * 9);
    const drawn = weighted(random, [
      ['active', 70],
      ['canceled', 15],
      ['trialing', 8],
      ['past_due', 7],
    ] as const);
    return { random, customerIndex, priceIndex, quantity, status: status ?? drawn };
  }

  const seededObject = (object: SyncedObject, index: number): StripeObject => build(object, index, seededCreated(object, index));

  /** The object at `index`, created at `created`; `status` fixes the status of one created later. */
  function build(object: SyncedObject, index: number, created: number, status?: string): StripeObject {
    const id = idOf(object, index);
    const base = { id, object: KINDS[object].singular, created, livemode };
    switch (object) {
      case 'customers': {
        const { name, email } = customerFacts(index);
        const random = randomFor(object, index, ':more');
        return {
          ...base,
          address: null,
          balance: 0,
          currency: 'usd',
          default_source: null,
          delinquent: false,
          description: null,
          discount: null,
          email,
          invoice_prefix: randomText(random, 8, '0123456789ABCDEF'),
          invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
          metadata: {},
          name,
          phone: null,
          preferred_locales: [],
          shipping: null,
          tax_exempt: 'none',
          test_clock: null,
        };
      }
      case 'charges': {
        const random = randomFor(object, index);
        const customerIndex = olderIndex('customers', created, random);
        const customer = customerIndex === null ? null : customerFacts(customerIndex);
        const amount = random() < 0.6 ? pick(random, MONTHLY_AMOUNTS) : 500 + 50 * Math.floor(random() * 490);
        const chargeStatus = status ?? (random() < 0.93 ? 'succeeded' : 'failed');
        const paid = chargeStatus === 'succeeded';
        const [failureCode, failureMessage] = paid ? [null, null] : pick(random, CHARGE_FAILURES);
        return {
          ...base,
          amount,
          amount_captured: paid ? amount : 0,
          amount_refunded: 0,
          balance_transaction: paid ? `txn_1${tag}${digits(index)}` : null,
          billing_details: { address: null, email: customer?.email ?? null, name: customer?.name ?? null, phone: null },
          captured: paid,
          currency: 'usd',
          customer: customer?.id ?? null,
          description: pick(random, CHARGE_DESCRIPTIONS),
          failure_code: failureCode,
          failure_message: failureMessage,
          invoice: null,
          metadata: {},
          outcome: paid
            ? { network_status: 'approved_by_network', reason: null, seller_message: 'Payment complete.', type: 'authorized' }
            : {
                network_status: 'declined_by_network',
                reason: 'generic_decline',
                seller_message: 'The bank declined the payment.',
                type: 'issuer_declined',
              },
          paid,
          payment_intent: `pi_1${tag}${digits(index)}`,
          receipt_email: customer?.email ?? null,
          refunded: false,
          status: chargeStatus,
        };
      }
      case 'coupons': {
        const random = randomFor(object, index);
        const percentOff = random() < 0.7 ? pick(random, [10, 15, 20, 25, 30, 50]) : null;
        const amountOff = percentOff === null ? pick(random, [500, 1000, 2000, 2500]) : null;
        const duration = pick(random, ['once', 'repeating', 'forever']);
        return {
          ...base,
          amount_off: amountOff,
          currency: amountOff === null ? null : 'usd',
          duration,
          duration_in_months: duration === 'repeating' ? pick(random, [3, 6, 12]) : null,
          max_redemptions: null,
          metadata: {},
          name: percentOff === null ? `$${(amountOff ?? 0) / 100} off` : `${percentOff}% off`,
          percent_off: percentOff,
          redeem_by: null,
          times_redeemed: Math.floor(random() * 200),
          valid: true,
        };
      }
      case 'invoices': {
        const random = randomFor(object, index);
        const subscriptionIndex = olderIndex('subscriptions', created, random);
        let customerIndex: number | null;
        let amount: number;
        if (subscriptionIndex === null) {
          customerIndex = olderIndex('customers', created, random);
          amount = pick(random, MONTHLY_AMOUNTS);
        } else {
          // A subscription's invoice: its customer, its price times its quantity.
          const subscription = subscriptionFacts(subscriptionIndex, seededCreated('subscriptions', subscriptionIndex));
          customerIndex = subscription.customerIndex;
          const price =
            subscription.priceIndex === null ? null : priceFacts(subscription.priceIndex, seededCreated('prices', subscription.priceIndex));
          amount = (price?.unitAmount ?? pick(random, MONTHLY_AMOUNTS)) * subscription.quantity;
        }
        const customer = customerIndex === null ? null : customerFacts(customerIndex);
        // Open invoices are recent ones: older ones were paid (or voided) long ago.
        const drawn = weighted(random, [
          ['paid', 85],
          ['open', 10],
          ['void', 5],
        ] as const);
        const invoiceStatus = status ?? (drawn === 'open' && startedAt - created > 45 * DAY ? 'paid' : drawn);
        const paid = invoiceStatus === 'paid';
        return {
          ...base,
          account_country: 'US',
          amount_due: amount,
          amount_paid: paid ? amount : 0,
          amount_remaining: invoiceStatus === 'open' || invoiceStatus === 'draft' ? amount : 0,
          attempt_count: paid ? 1 : 0,
          attempted: paid,
          billing_reason: subscriptionIndex === null ? 'manual' : 'subscription_cycle',
          collection_method: 'charge_automatically',
          currency: 'usd',
          customer: customer?.id ?? null,
          customer_email: customer?.email ?? null,
          customer_name: customer?.name ?? null,
          due_date: null,
          hosted_invoice_url: null,
          metadata: {},
          number: invoiceStatus === 'draft' ? null : `${tag.toUpperCase()}-${digits(index, 5)}`,
          paid,
          period_end: created,
          period_start: created - 30 * DAY,
          status: invoiceStatus,
          status_transitions: {
            finalized_at: invoiceStatus === 'draft' ? null : created,
            marked_uncollectible_at: null,
            paid_at: paid ? created + 3600 : null,
            voided_at: invoiceStatus === 'void' ? created + DAY : null,
          },
          subscription: subscriptionIndex === null ? null : idOf('subscriptions', subscriptionIndex),
          subtotal: amount,
          total: amount,
        };
      }
      case 'plans': {
        const random = randomFor(object, index);
        const productIndex = olderIndex('products', created, random);
        const interval = random() < 0.75 ? 'month' : 'year';
        const amount = pick(random, MONTHLY_AMOUNTS) * (interval === 'year' ? 10 : 1);
        return {
          ...base,
          active: random() < 0.9,
          aggregate_usage: null,
          amount,
          amount_decimal: String(amount),
          billing_scheme: 'per_unit',
          currency: 'usd',
          interval,
          interval_count: 1,
          metadata: {},
          meter: null,
          nickname: interval === 'year' ? 'Yearly' : 'Monthly',
          product: productIndex === null ? null : idOf('products', productIndex),
          tiers_mode: null,
          transform_usage: null,
          trial_period_days: null,
          usage_type: 'licensed',
        };
      }
      case 'prices': {
        const { product, interval, unitAmount } = priceFacts(index, created);
        return {
          ...base,
          active: true,
          billing_scheme: 'per_unit',
          currency: 'usd',
          custom_unit_amount: null,
          lookup_key: null,
          metadata: {},
          nickname: null,
          product,
          recurring: { aggregate_usage: null, interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
          tax_behavior: 'unspecified',
          tiers_mode: null,
          transform_quantity: null,
          type: 'recurring',
          unit_amount: unitAmount,
          unit_amount_decimal: String(unitAmount),
        };
      }
      case 'products': {
        const random = randomFor(object, index);
        const line = PRODUCT_LINES[index % PRODUCT_LINES.length] ?? 'Pro';
        const kind = PRODUCT_KINDS[Math.floor(index / PRODUCT_LINES.length) % PRODUCT_KINDS.length] ?? 'plan';
        const edition = Math.floor(index / (PRODUCT_LINES.length * PRODUCT_KINDS.length));
        return {
          ...base,
          active: random() < 0.9,
          default_price: null,
          description: `${line} ${kind} for growing teams.`,
          images: [],
          marketing_features: [],
          metadata: {},
          name: `${line} ${kind}${edition > 0 ? ` (${edition + 1})` : ''}`,
          package_dimensions: null,
          shippable: null,
          statement_descriptor: null,
          tax_code: null,
          unit_label: null,
          updated: created,
          url: null,
        };
      }
      case 'subscriptions': {
        const { random, customerIndex, priceIndex, quantity, status: subscriptionStatus } = subscriptionFacts(index, created, status);
        const price = priceIndex === null ? null : seededObject('prices', priceIndex);
        const yearly = priceIndex !== null && priceFacts(priceIndex, seededCreated('prices', priceIndex)).interval === 'year';
        const period = (yearly ? 365 : 30) * DAY;
        const until = Math.max(startedAt, created);
        const canceledAt = subscriptionStatus === 'canceled' ? created + Math.floor(random() * (until - created)) : null;
        const periodStart = created + Math.floor(((canceledAt ?? until) - created) / period) * period;
        return {
          ...base,
          billing_cycle_anchor: created,
          cancel_at: null,
          cancel_at_period_end: false,
          canceled_at: canceledAt,
          collection_method: 'charge_automatically',
          currency: 'usd',
          current_period_end: periodStart + period,
          current_period_start: periodStart,
          customer: customerIndex === null ? null : idOf('customers', customerIndex),
          days_until_due: null,
          default_payment_method: null,
          discount: null,
          ended_at: canceledAt,
          items: {
            object: 'list',
            data: price
              ? [
                  {
                    id: `si_1${tag}${digits(index)}`,
                    object: 'subscription_item',
                    created,
                    metadata: {},
                    price,
                    quantity,
                    subscription: id,
                  },
                ]
              : [],
            has_more: false,
            total_count: price ? 1 : 0,
            url: `/v1/subscription_items?subscription=${id}`,
          },
          latest_invoice: null,
          metadata: {},
          quantity,
          start_date: created,
          status: subscriptionStatus,
          trial_end: subscriptionStatus === 'trialing' ? periodStart + period : null,
          trial_start: subscriptionStatus === 'trialing' ? periodStart : null,
        };
      }
      case 'events':
        return seededEvent(index, created);
    }
  }

  // Seeded events: each is about the newest object of a kind (drawn in proportion to the kinds' sizes)
  // created at or before it; the first event about a fresh object says it was created, later ones
  // that it was updated.
  const sourceWeights = EVENT_SOURCES.map((object) => [object, seeded[object]] as const).filter(([, rows]) => rows > 0);
  function eventSource(index: number): { object: SyncedObject; index: number; random: Random } {
    const random = randomFor('events', index);
    const created = seededCreated('events', index);
    // An account of events alone: they are about a customer it no longer has.
    if (sourceWeights.length === 0) return { object: 'customers', index: 0, random };
    const object = weighted(random, sourceWeights);
    return { object, index: Math.min(newestAtOrBefore(object, created), seeded[object] - 1), random };
  }
  function firstEventAbout(eventIndex: number, source: { object: SyncedObject; index: number }, since: number): boolean {
    for (let older = eventIndex + 1; older < seeded.events && seededCreated('events', older) >= since; older++) {
      const other = eventSource(older);
      if (other.object === source.object && other.index === source.index) return false;
    }
    return true;
  }
  function seededEvent(index: number, created: number): StripeObject {
    const source = eventSource(index);
    const about = seededObject(source.object, source.index);
    const fresh = created - about.created <= DAY && firstEventAbout(index, source, about.created);
    const type = fresh ? createdEventType(source.object, about) : updatedEventType(source.object, about);
    // Automatic events (an invoice paid, a subscription renewed) come from no API request.
    const requested = fresh && source.object !== 'invoices';
    return eventObject(index, created, type, about, requested ? `req_${randomText(source.random, 14)}` : null);
  }
  function eventObject(index: number, created: number, type: string, about: StripeObject, requestId: string | null): StripeObject {
    return {
      id: idOf('events', index),
      object: 'event',
      api_version: EMULATED_API_VERSION,
      created,
      data: { object: about },
      livemode,
      pending_webhooks: 0,
      request: { id: requestId, idempotency_key: null },
      type,
    };
  }

  // Positions in list order (0 first, newest): the objects created later, newest first, then the seeded ones.
  const listView = (object: SyncedObject) => {
    const state = lists[object];
    const count = seeded[object];
    const added = state.added.length;
    const indexAt = (position: number) => (position < added ? count + (added - 1 - position) : position - added);
    const positionOf = (index: number) => (index >= count ? added - 1 - (index - count) : added + index);
    const objectAt = (index: number): StripeObject => state.changed.get(index) ?? state.added[index - count] ?? seededObject(object, index);
    const createdAt = (position: number) => {
      const index = indexAt(position);
      return state.added[index - count]?.created ?? seededCreated(object, index);
    };
    return { state, total: count + added, indexAt, positionOf, objectAt, createdAt };
  };
  /** The first position in [0, total) where `holds` (false, then true, in list order) becomes true. */
  function firstPosition(total: number, holds: (position: number) => boolean): number {
    let low = 0;
    let high = total;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (holds(middle)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  function parseInteger(params: URLSearchParams, name: string): Outcome<number | null> {
    const value = params.get(name);
    if (value === null || value === '') return null;
    if (!/^-?\d+$/.test(value)) return error(400, `Invalid integer: ${value}`, { code: 'parameter_invalid_integer', param: name });
    return Number(value);
  }

  function list(object: SyncedObject, params: URLSearchParams): Outcome<{ list: StripeList }> {
    const singular = KINDS[object].singular;
    for (const name of new Set(params.keys())) {
      const known =
        ['limit', 'starting_after', 'ending_before', ...CREATED_BOUNDS].includes(name) ||
        (name === 'status' && STATUSES[object] !== undefined) ||
        (object === 'events' && (name === 'type' || /^types\[\d+\]$/.test(name)));
      if (!known) return error(400, `Received unknown parameter: ${name}`, { code: 'parameter_unknown', param: name });
    }
    const limit = parseInteger(params, 'limit');
    if (typeof limit === 'object' && limit !== null) return limit;
    const pageSize = limit ?? 10;
    if (pageSize < 1) return error(400, 'This value must be greater than or equal to 1.', { param: 'limit' });
    if (pageSize > 100) return error(400, 'This value must be less than or equal to 100.', { param: 'limit' });

    const startingAfter = params.get('starting_after') || null;
    const endingBefore = params.get('ending_before') || null;
    if (startingAfter && endingBefore) {
      return error(400, 'You may only specify one of these parameters: ending_before, starting_after.', { param: 'ending_before' });
    }
    const view = listView(object);
    const cursor = startingAfter ?? endingBefore;
    const cursorParam = startingAfter ? 'starting_after' : 'ending_before';
    const cursorIndex = cursor === null ? null : indexOfId(object, cursor);
    if (cursor !== null && cursorIndex === null) {
      return error(400, `No such ${singular}: '${cursor}'`, { code: 'resource_missing', param: cursorParam });
    }

    // `created` bounds cut a window of positions (list order is by `created`, newest first).
    let newest = Infinity;
    let oldest = -Infinity;
    for (const name of CREATED_BOUNDS) {
      const bound = parseInteger(params, name);
      if (typeof bound === 'object' && bound !== null) return bound;
      if (bound === null) continue;
      if (name === 'created' || name === 'created[lte]') newest = Math.min(newest, bound);
      if (name === 'created[lt]') newest = Math.min(newest, bound - 1);
      if (name === 'created' || name === 'created[gte]') oldest = Math.max(oldest, bound);
      if (name === 'created[gt]') oldest = Math.max(oldest, bound + 1);
    }
    const windowStart = firstPosition(view.total, (position) => view.createdAt(position) <= newest);
    const windowEnd = firstPosition(view.total, (position) => view.createdAt(position) < oldest);

    const filter = listFilter(object, params);
    if ('error' in filter) return filter;
    const shown = (position: number) => {
      const index = view.indexAt(position);
      return !view.state.removed.has(index) && (!filter.keep || filter.keep(view.objectAt(index)));
    };

    const positions: number[] = [];
    let hasMore = false;
    if (endingBefore !== null && cursorIndex !== null) {
      // The ones just before the cursor in list order (newer than it), still answered newest first.
      let position = Math.min(windowEnd, view.positionOf(cursorIndex)) - 1;
      for (; position >= windowStart && positions.length < pageSize; position--) if (shown(position)) positions.push(position);
      for (; position >= windowStart && !hasMore; position--) hasMore = shown(position);
      positions.reverse();
    } else {
      let position = cursorIndex === null ? windowStart : Math.max(windowStart, view.positionOf(cursorIndex) + 1);
      for (; position < windowEnd && positions.length < pageSize; position++) if (shown(position)) positions.push(position);
      for (; position < windowEnd && !hasMore; position++) hasMore = shown(position);
    }
    return {
      list: {
        object: 'list',
        url: `/v1/${object}`,
        has_more: hasMore,
        data: positions.map((position) => view.objectAt(view.indexAt(position))),
      },
    };
  }

  /** Which objects a list shows besides its window: by status (subscriptions hide canceled ones unless asked), by event type. */
  function listFilter(object: SyncedObject, params: URLSearchParams): Outcome<{ keep: ((found: StripeObject) => boolean) | null }> {
    const allowed = STATUSES[object];
    const status = params.get('status');
    if (allowed && status !== null && !allowed.includes(status)) {
      const choices = `${allowed.slice(0, -1).join(', ')}, or ${allowed.at(-1) ?? ''}`;
      return error(400, `Invalid status: must be one of ${choices}`, { param: 'status' });
    }
    if (object === 'subscriptions') {
      if (status === 'all') return { keep: null };
      if (status === null) return { keep: (found) => found['status'] !== 'canceled' };
      if (status === 'ended') return { keep: (found) => found['status'] === 'canceled' || found['status'] === 'incomplete_expired' };
      return { keep: (found) => found['status'] === status };
    }
    if (object === 'invoices' && status !== null) return { keep: (found) => found['status'] === status };
    if (object === 'events') {
      const type = params.get('type');
      const types = [...params.entries()].filter(([name]) => name.startsWith('types[')).map(([, value]) => value);
      if (type === null && types.length === 0) return { keep: null };
      // `type` may end in a wildcard (`customer.*`), as Stripe allows.
      const matchesType = (eventType: string) =>
        type === null || (type.endsWith('*') ? eventType.startsWith(type.slice(0, -1)) : eventType === type);
      return { keep: (found) => matchesType(String(found['type'])) && (types.length === 0 || types.includes(String(found['type']))) };
    }
    return { keep: null };
  }

  function appendEvent(type: string, about: StripeObject, now: number): StripeObject {
    const events = lists.events;
    const index = seeded.events + events.added.length;
    const event = eventObject(index, now, type, about, `req_${randomText(randomFor('events', index, ':request'), 14)}`);
    events.added.push(event);
    return event;
  }

  function create(object: SyncedObject, count: number, now: number): Outcome<{ objects: StripeObject[]; events: StripeObject[] }> {
    if (object === 'events') return error(400, 'Events are not created directly: create the objects they are about.', { param: 'object' });
    if (!Number.isInteger(count) || count < 1 || count > MAX_CREATED_AT_ONCE) {
      return error(400, `count must be an integer from 1 to ${MAX_CREATED_AT_ONCE}.`, { param: 'count' });
    }
    // What a new object of each kind starts as, and the event Stripe sends for it.
    const started: Partial<Record<SyncedObject, [status: string, eventType: string]>> = {
      charges: ['succeeded', 'charge.succeeded'],
      invoices: ['draft', 'invoice.created'],
      subscriptions: ['active', 'customer.subscription.created'],
    };
    const [status, eventType] = started[object] ?? [undefined, `${KINDS[object].eventPrefix}.created`];
    const objects: StripeObject[] = [];
    const events: StripeObject[] = [];
    for (let i = 0; i < count; i++) {
      const created = build(object, seeded[object] + lists[object].added.length, now, status);
      lists[object].added.push(created);
      objects.push(created);
      events.push(appendEvent(eventType, created, now));
    }
    return { objects, events };
  }

  function remove(object: SyncedObject, id: string, now: number): Outcome<{ object: StripeObject; event: StripeObject }> {
    if (object === 'charges' || object === 'events') {
      return error(400, `Stripe does not delete ${object}.`, { param: 'object' });
    }
    const index = indexOfId(object, id);
    if (index === null) return error(404, `No such ${KINDS[object].singular}: '${id}'`, { code: 'resource_missing', param: 'id' });
    const view = listView(object);
    const found = view.objectAt(index);
    if (object === 'subscriptions') {
      // Stripe cancels a subscription: it stays listed (`status=all`), and its event says deleted.
      if (found['status'] === 'canceled') return error(400, `The subscription ${id} is already canceled.`, { param: 'id' });
      const canceled = { ...found, status: 'canceled', canceled_at: now, ended_at: now };
      view.state.changed.set(index, canceled);
      return { object: canceled, event: appendEvent('customer.subscription.deleted', canceled, now) };
    }
    view.state.removed.add(index);
    const deleted = { ...found, deleted: true };
    return { object: deleted, event: appendEvent(`${KINDS[object].eventPrefix}.deleted`, deleted, now) };
  }

  return {
    list,
    create,
    remove,
    size: (object) => seeded[object] + lists[object].added.length - lists[object].removed.size,
  };
}

function createdEventType(object: SyncedObject, about: StripeObject): string {
  const status = about['status'];
  if (object === 'charges') return status === 'succeeded' ? 'charge.succeeded' : 'charge.failed';
  if (object === 'invoices') return status === 'paid' ? 'invoice.paid' : status === 'void' ? 'invoice.voided' : 'invoice.finalized';
  if (object === 'subscriptions' && status === 'canceled') return 'customer.subscription.deleted';
  return `${KINDS[object].eventPrefix}.created`;
}

function updatedEventType(object: SyncedObject, about: StripeObject): string {
  if (object === 'subscriptions' && about['status'] === 'canceled') return 'customer.subscription.deleted';
  return `${KINDS[object].eventPrefix}.updated`;
}
