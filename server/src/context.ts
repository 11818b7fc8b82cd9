/** What every route module is given: the workspace's services, and the request's caller. */
import type { Database } from './db/database';
import type { Caller } from './model';
import type { Language } from './reasons';
import type { Sealer } from './secrets';
import type { StripeGateway } from './stripe-gateway';

export interface WorkspaceServices {
  db: Database;
  stripe: StripeGateway;
  /** Seals Stripe credentials at rest. */
  sealer: Sealer;
  /** How long a connect session may take (default 900 s). */
  sessionTtlSeconds: number;
  now: () => number;
  /** Sign-in with the workspace: the caller an OAuth access token stands for (sign-in/). */
  callerOfAccessToken?: (accessToken: string) => Promise<Caller | null>;
  /** A sync just became due (a connection): the syncer (sync/syncer.ts) starts it now, not at its next look. */
  syncWake?: () => void;
}

export interface ApiEnv {
  Variables: { caller: Caller; language: Language };
}
