-- Host aggregates (issue 13, os-aggregates): named groups of compute hosts with metadata, made by admins. An
-- aggregate whose metadata has availability_zone makes that zone of its hosts; the scheduler reads each host's
-- aggregates (published on strato.service-state) for AvailabilityZoneFilter and AggregateInstanceExtraSpecsFilter.
CREATE TABLE aggregates (
  id bigserial PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);
CREATE TABLE aggregate_hosts (
  aggregate_id bigint NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
  host text NOT NULL,
  PRIMARY KEY (aggregate_id, host)
);
CREATE INDEX aggregate_hosts_host ON aggregate_hosts (host);
