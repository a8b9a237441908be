CREATE TABLE images (
  id uuid PRIMARY KEY,
  name text,
  status text NOT NULL DEFAULT 'queued',
  visibility text NOT NULL DEFAULT 'shared',
  container_format text,
  disk_format text,
  size bigint,
  virtual_size bigint,
  min_disk int NOT NULL DEFAULT 0,
  min_ram int NOT NULL DEFAULT 0,
  checksum text,
  os_hash_algo text,
  os_hash_value text,
  owner text NOT NULL,
  protected boolean NOT NULL DEFAULT false,
  os_hidden boolean NOT NULL DEFAULT false,
  tags jsonb NOT NULL DEFAULT '[]',
  properties jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_owner ON images(owner, created_at DESC);
CREATE INDEX images_name ON images(name);
