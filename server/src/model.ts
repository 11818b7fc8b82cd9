/** The workspace's records as the API and the data layer share them. */
import type { IntegrationProblem } from './reasons';

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
  workspaceId: string;
  userId: string;
  state: string;
  redirectUri: string;
  integrationId: string | null;
  expiresAt: string;
  closed: boolean;
}

export interface NewUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  token: string;
}

export const DEMO_ADMIN_TOKEN = 'wc_demo_admin_token';
export const DEMO_STANDARD_TOKEN = 'wc_demo_standard_token';

/** The workspace a first start creates (tokens from ADMIN_TOKEN / STANDARD_TOKEN, else the demo ones). */
export function demoWorkspace(tokens: { admin?: string; standard?: string } = {}) {
  return {
    id: 'ws_acme',
    name: 'Acme Analytics',
    users: [
      { id: 'usr_admin', name: 'Ana García', email: 'ana@acme.test', role: 'admin', token: tokens.admin ?? DEMO_ADMIN_TOKEN },
      { id: 'usr_standard', name: 'Sam Rivera', email: 'sam@acme.test', role: 'standard', token: tokens.standard ?? DEMO_STANDARD_TOKEN },
    ] satisfies NewUser[],
  };
}
