-- Workspaces, their people and API tokens, Stripe integrations, and the connect sessions and
-- idempotency records that make a completion happen exactly once.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- Bumped with every change to the integration list: the list's ETag, so a 304 costs one row read.
  version bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'standard', 'read-only')),
  UNIQUE (workspace_id, email)
);

-- Only a SHA-256 of each token: a copy of the database signs no one in.
CREATE TABLE api_tokens (
  token_hash bytea PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE integrations (
  -- Insertion order: the list's order and its pagination cursor.
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider = 'stripe'),
  status text NOT NULL CHECK (status IN ('active', 'expired', 'revoked', 'error')),
  stripe_account_id text NOT NULL,
  stripe_account_name text NOT NULL,
  livemode boolean NOT NULL,
  connected_at timestamptz NOT NULL,
  last_sync_at timestamptz,
  problem_code text CHECK (problem_code IN ('revoked', 'expired', 'sync_failed')),
  problem_detail text,
  -- One integration per Stripe account and workspace, however many completions race.
  UNIQUE (workspace_id, stripe_account_id)
);
CREATE INDEX integrations_by_workspace ON integrations (workspace_id, seq);
CREATE INDEX integrations_by_account ON integrations (stripe_account_id);

-- Stripe credentials, AES-256-GCM sealed; they never leave the server.
CREATE TABLE stripe_credentials (
  integration_id text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  access_token bytea NOT NULL,
  refresh_token bytea
);

CREATE TABLE connect_sessions (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  state text NOT NULL,
  redirect_uri text NOT NULL,
  -- Reauthentication target. No foreign key: it may be removed meanwhile, which completion reports.
  integration_id text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  closed_at timestamptz
);
CREATE INDEX connect_sessions_by_expiry ON connect_sessions (expires_at);

-- The answer to a completion, replayed for a retry with the same Idempotency-Key. A row without a
-- status is a claim: its request is being worked on until `claimed_until` (a crashed worker's
-- claim lapses then).
CREATE TABLE idempotency_keys (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  session_id text NOT NULL,
  status integer,
  body jsonb,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
-- At most one completion of a session at a time, whichever key it comes with.
CREATE UNIQUE INDEX idempotency_keys_one_claim_per_session ON idempotency_keys (session_id) WHERE status IS NULL;
