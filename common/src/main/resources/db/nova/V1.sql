-- The nova schema is shared by the compute API (gateway) and the conductor, as Nova's API and conductor share
-- its database: it lives in common so that whichever starts first migrates it (under an advisory lock).
CREATE TABLE flavors (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  vcpus int NOT NULL CHECK (vcpus > 0),
  ram int NOT NULL CHECK (ram > 0),
  disk int NOT NULL CHECK (disk >= 0),
  ephemeral int NOT NULL DEFAULT 0,
  swap int NOT NULL DEFAULT 0,
  rxtx_factor real NOT NULL DEFAULT 1.0,
  is_public boolean NOT NULL DEFAULT true,
  disabled boolean NOT NULL DEFAULT false,
  extra_specs jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Nova's classic default flavors.
INSERT INTO flavors(id, name, vcpus, ram, disk) VALUES
  ('1', 'm1.tiny', 1, 512, 1),
  ('2', 'm1.small', 1, 2048, 20),
  ('3', 'm1.medium', 2, 4096, 40),
  ('4', 'm1.large', 4, 8192, 80),
  ('5', 'm1.xlarge', 8, 16384, 160);

CREATE TABLE instances (
  id uuid PRIMARY KEY,
  seq bigserial UNIQUE,
  reservation_id text NOT NULL,
  launch_index int NOT NULL DEFAULT 0,
  project_id text NOT NULL,
  user_id text NOT NULL,
  name text NOT NULL,
  description text,
  flavor jsonb NOT NULL,
  image_id text NOT NULL DEFAULT '',
  vm_state text NOT NULL,
  task_state text,
  power_state int NOT NULL DEFAULT 0,
  host text,
  node text,
  availability_zone text,
  key_name text,
  key_data text,
  metadata jsonb NOT NULL DEFAULT '{}',
  user_data text,
  requested_networks jsonb NOT NULL DEFAULT '[]',
  block_device_mapping jsonb NOT NULL DEFAULT '[]',
  security_groups jsonb NOT NULL DEFAULT '[]',
  addresses jsonb NOT NULL DEFAULT '{}',
  volumes_attached jsonb NOT NULL DEFAULT '[]',
  server_group_id uuid,
  fault jsonb,
  progress int NOT NULL DEFAULT 0,
  locked boolean NOT NULL DEFAULT false,
  config_drive text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  launched_at timestamptz,
  terminated_at timestamptz,
  deleted boolean NOT NULL DEFAULT false,
  deleted_at timestamptz
);
CREATE INDEX instances_project_live ON instances(project_id, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX instances_live ON instances(created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX instances_group ON instances(server_group_id) WHERE server_group_id IS NOT NULL;

-- Usage counters, changed in the same transaction as the instances they count: exact under concurrency.
CREATE TABLE project_usage (
  project_id text PRIMARY KEY,
  instances int NOT NULL DEFAULT 0,
  cores int NOT NULL DEFAULT 0,
  ram int NOT NULL DEFAULT 0
);

-- Per-project quota overrides; a null limit means the configured default.
CREATE TABLE project_quotas (
  project_id text PRIMARY KEY,
  instances int,
  cores int,
  ram int,
  key_pairs int,
  server_groups int,
  server_group_members int
);

CREATE TABLE keypairs (
  user_id text NOT NULL,
  name text NOT NULL,
  id bigserial UNIQUE,
  type text NOT NULL DEFAULT 'ssh',
  public_key text NOT NULL,
  fingerprint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, name)
);

CREATE TABLE server_groups (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  policy text NOT NULL,
  project_id text NOT NULL,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE instance_actions (
  id bigserial PRIMARY KEY,
  instance_id uuid NOT NULL,
  request_id text NOT NULL,
  action text NOT NULL,
  user_id text NOT NULL,
  project_id text NOT NULL,
  message text,
  start_time timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (instance_id, request_id)
);

CREATE TABLE instance_action_events (
  id bigserial PRIMARY KEY,
  action_id bigint NOT NULL REFERENCES instance_actions(id) ON DELETE CASCADE,
  event text NOT NULL,
  start_time timestamptz NOT NULL DEFAULT now(),
  finish_time timestamptz,
  result text,
  host text,
  details text,
  UNIQUE (action_id, event)
);

-- Transactional outbox: a row is written with the change that needs the message, and deleted once Kafka has it.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  key text NOT NULL,
  payload text NOT NULL,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
