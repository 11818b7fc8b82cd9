-- Stripe Apps OAuth beside Connect: which kind of connection an integration is and with which of
-- the workspace's Stripe keys (live or test) it was made; access tokens that expire and the refresh
-- that only one instance at a time may run; a code exchanged at most once.

ALTER TABLE integrations ADD COLUMN oauth text NOT NULL DEFAULT 'connect' CHECK (oauth IN ('stripe-app', 'connect'));
ALTER TABLE integrations ADD COLUMN stripe_mode text NOT NULL DEFAULT 'live' CHECK (stripe_mode IN ('live', 'test'));
-- Stripe Apps tokens may not read the account's name: null, and the extension says so.
ALTER TABLE integrations ALTER COLUMN stripe_account_name DROP NOT NULL;
ALTER TABLE integrations DROP CONSTRAINT integrations_problem_code_check;
ALTER TABLE integrations ADD CONSTRAINT integrations_problem_code_check
  CHECK (problem_code IN ('revoked', 'expired', 'sync_failed', 'refresh_refused', 'refresh_failing', 'installed_elsewhere'));

ALTER TABLE stripe_credentials ADD COLUMN access_expires_at timestamptz;
-- When the next refresh is due (null: tokens that do not expire, or a refresh token Stripe refused).
ALTER TABLE stripe_credentials ADD COLUMN refresh_due_at timestamptz;
-- Transient failures in a row: the backoff, and when the integration shows an error.
ALTER TABLE stripe_credentials ADD COLUMN refresh_failures integer NOT NULL DEFAULT 0;
-- The one refresh under way: whoever set `refresh_claim` stores the rotated tokens; a crashed
-- instance's claim lapses at `refresh_claimed_until`.
ALTER TABLE stripe_credentials ADD COLUMN refresh_claim text;
ALTER TABLE stripe_credentials ADD COLUMN refresh_claimed_until timestamptz;
CREATE INDEX stripe_credentials_refresh_due ON stripe_credentials (refresh_due_at) WHERE refresh_due_at IS NOT NULL;

ALTER TABLE connect_sessions ADD COLUMN stripe_mode text NOT NULL DEFAULT 'live' CHECK (stripe_mode IN ('live', 'test'));
-- Set just before the code goes to Stripe: a completion taken over after a crash never sends it again.
ALTER TABLE connect_sessions ADD COLUMN exchange_started_at timestamptz;
