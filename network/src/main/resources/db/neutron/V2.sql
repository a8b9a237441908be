-- Per-project quota limits (Neutron's quotas extension). A null column means the default (network.quota.* settings).
-- A create locks its project's row (FOR UPDATE) while it counts what the project has, so creates of one project
-- queue and the count never overshoots; other projects do not wait.
CREATE TABLE quotas (
  project_id text PRIMARY KEY,
  network int,
  subnet int,
  port int,
  security_group int,
  security_group_rule int
);
CREATE INDEX subnets_project ON subnets(project_id);
CREATE INDEX security_groups_project ON security_groups(project_id);
CREATE INDEX security_group_rules_project ON security_group_rules(project_id);
