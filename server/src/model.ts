/** The reference workspace's stored document and its first-run seed. */

export type Role = 'admin' | 'standard' | 'read-only';
export type IntegrationStatus = 'active' | 'expired' | 'revoked' | 'error';

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  token: string;
}

import type { IntegrationProblem } from './reasons';

/** An integration as stored; `presentIntegration` turns it into the API's shape. */
export interface StoredIntegration {
  id: string;
  provider: 'stripe';
  status: IntegrationStatus;
  stripeAccountId: string;
  stripeAccountName: string;
  livemode: boolean;
  connectedAt: string;
  lastSyncAt: string | null;
  problem: IntegrationProblem | null;
}

/** An integration as the API answers it: the problem worded in the caller's language. */
export type Integration = Omit<StoredIntegration, 'problem'> & { reason: string | null };

export interface ConnectSession {
  id: string;
  userId: string;
  state: string;
  redirectUri: string;
  integrationId: string | null;
  createdAt: string;
  expiresAt: string;
  closed: boolean;
}

/** Stored answer of a completed request, replayed for a retry with the same Idempotency-Key. */
export interface IdempotentAnswer {
  userId: string;
  sessionId: string;
  status: number;
  body: unknown;
  at: string;
}

export interface WorkspaceData {
  workspace: { id: string; name: string };
  users: User[];
  integrations: StoredIntegration[];
  /** Stripe credentials per integration: they never leave the server. */
  secrets: Record<string, { accessToken: string; refreshToken: string | null }>;
  sessions: ConnectSession[];
  idempotency: Record<string, IdempotentAnswer>;
}

export const DEMO_ADMIN_TOKEN = 'wc_demo_admin_token';
export const DEMO_STANDARD_TOKEN = 'wc_demo_standard_token';

export function seedWorkspace(tokens: { admin?: string; standard?: string } = {}): WorkspaceData {
  return {
    workspace: { id: 'ws_acme', name: 'Acme Analytics' },
    users: [
      { id: 'usr_admin', name: 'Ana García', email: 'ana@acme.test', role: 'admin', token: tokens.admin ?? DEMO_ADMIN_TOKEN },
      {
        id: 'usr_standard',
        name: 'Sam Rivera',
        email: 'sam@acme.test',
        role: 'standard',
        token: tokens.standard ?? DEMO_STANDARD_TOKEN,
      },
    ],
    integrations: [],
    secrets: {},
    sessions: [],
    idempotency: {},
  };
}
