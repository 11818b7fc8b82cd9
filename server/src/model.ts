/** The workspace's records as the API and the data layer share them. */
import type { ObjectErrorCode } from './data/sync-state';
import type { IntegrationProblem } from './reasons';
import type { SyncedObject } from './sync/objects';
import type { StripeMode, StripeProvider } from './stripe-gateway';

export type Role = 'admin' | 'standard' | 'read-only';
export type IntegrationStatus = 'active' | 'expired' | 'revoked' | 'error';

/** Who is calling: the token's user, in the one workspace every query of the request is scoped to. */
export interface Caller {
  userId: string;
  name: string;
  email: string;
  role: Role;
  workspaceId: string;
  workspaceName: string;
  /** The token's hash: what rate limits count by. */
  tokenKey: string;
}

/** An integration as stored; `presentIntegration` turns it into the API's shape. */
export interface StoredIntegration {
  id: string;
  provider: 'stripe';
  status: IntegrationStatus;
  stripeAccountId: string;
  /** Null when Stripe did not let the workspace read it (Stripe Apps tokens may not). */
  stripeAccountName: string | null;
  livemode: boolean;
  connectedAt: string;
  lastSyncAt: string | null;
  problem: IntegrationProblem | null;
  /** How it was connected, and with which of the workspace's Stripe keys: the server's business only. */
  oauth: StripeProvider;
  stripeMode: StripeMode;
}

/** What the sync of an integration has done (null: it does not sync, as a seeded one). */
export interface IntegrationSync {
  /** The first import is under way (or about to start). */
  importing: boolean;
  objects: Array<{
    name: SyncedObject;
    rows: number;
    /** This object's first import is not done yet. */
    importing: boolean;
    /** About how many rows its first import will find; null until it can tell. */
    expectedRows: number | null;
    lastSuccessAt: string | null;
    /** The last error, worded in the caller's language. */
    error: { code: ObjectErrorCode; message: string } | null;
  }>;
}

/** An integration as the API answers it: the problem worded in the caller's language. */
export type Integration = Omit<StoredIntegration, 'problem' | 'oauth' | 'stripeMode'> & {
  reason: string | null;
  sync: IntegrationSync | null;
};

export interface ConnectSession {
  id: string;
  workspaceId: string;
  userId: string;
  state: string;
  redirectUri: string;
  integrationId: string | null;
  /** Which of the workspace's Stripe keys and install links the session uses. */
  stripeMode: StripeMode;
  expiresAt: string;
  closed: boolean;
  /** The code went to Stripe once already (a completion taken over after a crash must not send it again). */
  exchangeStarted: boolean;
}

export interface NewUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  token: string;
  /** For the workspace's sign-in page; without one the user signs in with API tokens only. */
  password?: string;
}

export const DEMO_ADMIN_TOKEN = 'wc_demo_admin_token';
export const DEMO_STANDARD_TOKEN = 'wc_demo_standard_token';
/** The demo users' password on the workspace's sign-in page (never with tokens of your own). */
export const DEMO_PASSWORD = 'workspace-demo';

/** The workspace a first start creates (tokens from ADMIN_TOKEN / STANDARD_TOKEN, else the demo ones). */
export function demoWorkspace(tokens: { admin?: string; standard?: string } = {}) {
  return {
    id: 'ws_acme',
    name: 'Acme Analytics',
    users: [
      {
        id: 'usr_admin',
        name: 'Ana García',
        email: 'ana@acme.test',
        role: 'admin',
        token: tokens.admin ?? DEMO_ADMIN_TOKEN,
        ...(tokens.admin ? {} : { password: DEMO_PASSWORD }),
      },
      {
        id: 'usr_standard',
        name: 'Sam Rivera',
        email: 'sam@acme.test',
        role: 'standard',
        token: tokens.standard ?? DEMO_STANDARD_TOKEN,
        ...(tokens.standard ? {} : { password: DEMO_PASSWORD }),
      },
    ] satisfies NewUser[],
  };
}
