-- Sign-in with the workspace (OAuth 2.0 for the extension, issue #15): a password for the
-- workspace's sign-in page, and oidc-provider's records (grants, codes, tokens, sessions,
-- interactions) on the same PostgreSQL, one table keyed by model and id.

-- scrypt, `scrypt$<salt>$<hash>` in base64url; null: this user signs in with API tokens only.
ALTER TABLE users ADD COLUMN password_hash text;

CREATE TABLE oauth_records (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
-- A revoked grant takes every code and token issued under it.
CREATE INDEX oauth_records_by_grant ON oauth_records (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oauth_records_by_uid ON oauth_records (uid) WHERE uid IS NOT NULL;
CREATE INDEX oauth_records_by_expiry ON oauth_records (expires_at);
