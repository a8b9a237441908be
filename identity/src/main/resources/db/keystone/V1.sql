CREATE TABLE domains (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true
);
INSERT INTO domains(id, name, description) VALUES ('default', 'Default', 'The default domain');

CREATE TABLE projects (
  id text PRIMARY KEY,
  name text NOT NULL,
  domain_id text NOT NULL REFERENCES domains(id),
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (domain_id, name)
);

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL,
  domain_id text NOT NULL REFERENCES domains(id),
  password_hash text,
  enabled boolean NOT NULL DEFAULT true,
  default_project_id text,
  email text,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (domain_id, name)
);

CREATE TABLE roles (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE assignments (
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  role_id text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, project_id, role_id)
);

-- Keystone revocation events: a token matches when its audit id, or its user with issued_at <= issued_before.
CREATE TABLE revocations (
  id bigserial PRIMARY KEY,
  audit_id text,
  user_id text,
  issued_before timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revocations_created ON revocations(created_at);

CREATE TABLE signing_keys (
  id text PRIMARY KEY,
  private_key text NOT NULL,
  public_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
