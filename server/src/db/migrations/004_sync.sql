-- Syncing each integration's Stripe data (issue #16): the rows of each kind of object in a table of
-- its own, scoped to the workspace and integration; what the sync knows per kind (rows, the first
-- import's cursor, the last error); per integration the events cursor and the one sync under way.

CREATE TABLE syncs (
  integration_id text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  -- The newest Stripe event already applied: incremental syncs list the events after it.
  events_cursor text,
  -- The first import: when it started (the events cursor was taken then) and when it finished.
  import_started_at timestamptz,
  imported_at timestamptz,
  -- When the Stripe account was created: how far back the first import reaches, for its estimate.
  account_created_at timestamptz,
  -- When the next sync is due; the one under way holds `claim` until `claimed_until`, which it
  -- moves on with every page it stores (a killed instance's claim lapses).
  due_at timestamptz NOT NULL,
  claim text,
  claimed_until timestamptz,
  -- Failed syncs in a row: the backoff.
  failures integer NOT NULL DEFAULT 0
);
CREATE INDEX syncs_due ON syncs (due_at);

CREATE TABLE sync_objects (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  object text NOT NULL,
  -- Rows in its table for this integration, kept in step in the same transaction as each write.
  row_count integer NOT NULL DEFAULT 0,
  -- The first import: the last row stored (it goes on after it), about how many there are, done.
  import_cursor text,
  expected_rows integer,
  imported boolean NOT NULL DEFAULT false,
  last_success_at timestamptz,
  error_code text CHECK (error_code IN ('permission_missing', 'sync_failed')),
  error_detail text,
  PRIMARY KEY (integration_id, object)
);

-- Existing integrations sync from the next start on.
INSERT INTO syncs (integration_id, due_at) SELECT id, now() FROM integrations;

-- One table per kind of Stripe object, each row the object as Stripe answered it (`data`). A row
-- is written again, never twice: (integration, id) is its key.
CREATE TABLE stripe_customers (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_charges (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_coupons (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_invoices (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_plans (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_prices (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_products (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_subscriptions (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
CREATE TABLE stripe_events (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  id text NOT NULL,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  data jsonb NOT NULL,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, id)
);
