-- Day-2 operations (issue 13). Server tags (microversion 2.26) as an array on the instance, indexed for the list
-- filters tags / tags-any / not-tags / not-tags-any.
ALTER TABLE instances ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX instances_tags ON instances USING gin (tags);

-- os-services: the operator's switches of each compute host's nova-compute service, owned by the compute API
-- (the conductor's host reports never touch them). The UUID is the service id from microversion 2.53.
ALTER TABLE compute_nodes ADD COLUMN service_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN disabled boolean NOT NULL DEFAULT false,
  ADD COLUMN disabled_reason text,
  ADD COLUMN forced_down boolean NOT NULL DEFAULT false,
  ADD COLUMN service_updated_at timestamptz;
CREATE UNIQUE INDEX compute_nodes_service_id ON compute_nodes(service_id);
