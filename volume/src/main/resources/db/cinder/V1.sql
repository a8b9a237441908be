-- Volumes: the row is the source of truth for a volume's status; the file backend follows it.
CREATE TABLE volumes (
  id uuid PRIMARY KEY,
  project_id text NOT NULL,
  user_id text NOT NULL,
  name text,
  description text,
  size int NOT NULL CHECK (size > 0),
  status text NOT NULL,
  availability_zone text NOT NULL,
  volume_type text NOT NULL,
  format text NOT NULL,
  bootable boolean NOT NULL DEFAULT false,
  image_id text,
  image_metadata jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);
CREATE INDEX volumes_project ON volumes(project_id, created_at DESC, id DESC);
CREATE INDEX volumes_all ON volumes(created_at DESC, id DESC);

-- Attachments (Cinder 3.27+). No multi-attach: at most one attachment per volume.
CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  volume_id uuid NOT NULL REFERENCES volumes(id),
  project_id text NOT NULL,
  instance_uuid uuid,
  connector jsonb,
  status text NOT NULL,
  attach_mode text NOT NULL DEFAULT 'rw',
  attached_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX attachments_one_per_volume ON attachments(volume_id);
CREATE INDEX attachments_project ON attachments(project_id, created_at DESC);

-- Usage counters, changed in the same transaction as the volumes they count: exact under concurrency.
CREATE TABLE project_usage (
  project_id text PRIMARY KEY,
  volumes int NOT NULL DEFAULT 0,
  gigabytes bigint NOT NULL DEFAULT 0
);

-- Per-project quota overrides; a null limit means the configured default, -1 is unlimited.
CREATE TABLE project_quotas (
  project_id text PRIMARY KEY,
  volumes int,
  gigabytes int
);
