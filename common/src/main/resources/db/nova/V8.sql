-- Resizes and cold migrations (issue 13): one row per resize or migrate call, kept after it ends (Nova's migrations
-- table). The compute API reads the last one of a server at confirmResize and revertResize: where it came from and
-- the resize order (both flavors, the vm_state to go back to) the later steps carry on with.
CREATE TABLE migrations (
  id uuid PRIMARY KEY,
  instance_id uuid NOT NULL,
  migration_type text NOT NULL,
  source_host text NOT NULL,
  status text NOT NULL,
  spec jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX migrations_instance ON migrations (instance_id, created_at DESC);
