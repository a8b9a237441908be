-- Volume snapshots: a point-in-time copy of a volume's file, kept beside it by the file backend.
CREATE TABLE snapshots (
  id uuid PRIMARY KEY,
  volume_id uuid NOT NULL REFERENCES volumes(id),
  project_id text NOT NULL,
  user_id text NOT NULL,
  name text,
  description text,
  size int NOT NULL CHECK (size > 0),
  status text NOT NULL,
  format text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);
CREATE INDEX snapshots_project ON snapshots(project_id, created_at DESC, id DESC);
CREATE INDEX snapshots_all ON snapshots(created_at DESC, id DESC);
CREATE INDEX snapshots_volume ON snapshots(volume_id);

-- A volume made from a snapshot names it (no foreign key: the snapshot may be deleted, the volume stays).
ALTER TABLE volumes ADD COLUMN snapshot_id uuid;

ALTER TABLE project_usage ADD COLUMN snapshots int NOT NULL DEFAULT 0;
ALTER TABLE project_quotas ADD COLUMN snapshots int;
