-- Compute hosts as their agents last reported them (strato.host-state), recorded by the conductor for the compute
-- API's os-hypervisors and availability-zone views. The scheduler keeps its own, faster copy.
CREATE TABLE compute_nodes (
  id bigserial UNIQUE,
  host text PRIMARY KEY,
  availability_zone text NOT NULL,
  hypervisor_type text NOT NULL,
  hypervisor_version bigint NOT NULL,
  enabled boolean NOT NULL,
  vcpus bigint NOT NULL,
  vcpus_used bigint NOT NULL,
  memory_mb bigint NOT NULL,
  memory_mb_used bigint NOT NULL,
  local_gb bigint NOT NULL,
  local_gb_used bigint NOT NULL,
  running_vms int NOT NULL,
  current_workload int NOT NULL,
  reported_at timestamptz NOT NULL
);
