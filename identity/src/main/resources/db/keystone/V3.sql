-- Application credentials: a secret (hashed like a password) that logs in as its user, scoped to one project with
-- at most the roles its user had there. Tokens got with one carry its audit_id as their audit chain, so deleting the
-- credential revokes them all.
CREATE TABLE application_credentials (
  id text PRIMARY KEY,
  name text NOT NULL,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  description text,
  secret_hash text NOT NULL,
  roles jsonb NOT NULL,
  unrestricted boolean NOT NULL DEFAULT false,
  expires_at timestamptz,
  audit_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);
CREATE UNIQUE INDEX application_credentials_audit ON application_credentials(audit_id);
