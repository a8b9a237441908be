CREATE TABLE networks (
  id uuid PRIMARY KEY,
  project_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  admin_state_up boolean NOT NULL DEFAULT true,
  shared boolean NOT NULL DEFAULT false,
  external boolean NOT NULL DEFAULT false,
  mtu int NOT NULL,
  revision_number bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX networks_project ON networks(project_id);
CREATE INDEX networks_name ON networks(name);

CREATE TABLE subnets (
  id uuid PRIMARY KEY,
  -- Deleting a network takes its subnets along; ports (below) keep a network from being deleted.
  network_id uuid NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  project_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  ip_version int NOT NULL CHECK (ip_version IN (4, 6)),
  cidr cidr NOT NULL,
  gateway_ip inet,
  allocation_pools jsonb NOT NULL,
  enable_dhcp boolean NOT NULL DEFAULT true,
  dns_nameservers jsonb NOT NULL DEFAULT '[]',
  host_routes jsonb NOT NULL DEFAULT '[]',
  ipv6_ra_mode text,
  ipv6_address_mode text,
  revision_number bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subnets_network ON subnets(network_id, created_at);

CREATE TABLE security_groups (
  id uuid PRIMARY KEY,
  project_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  stateful boolean NOT NULL DEFAULT true,
  is_default boolean NOT NULL DEFAULT false,
  revision_number bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One "default" group per project, even when two first requests race to create it.
CREATE UNIQUE INDEX security_groups_one_default ON security_groups(project_id) WHERE is_default;

CREATE TABLE security_group_rules (
  id uuid PRIMARY KEY,
  security_group_id uuid NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE,
  project_id text NOT NULL,
  direction text NOT NULL,
  ethertype text NOT NULL,
  protocol text,
  port_range_min int,
  port_range_max int,
  remote_ip_prefix cidr,
  remote_group_id uuid REFERENCES security_groups(id) ON DELETE CASCADE,
  description text NOT NULL DEFAULT '',
  revision_number bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Neutron refuses a rule identical to an existing one (SecurityGroupRuleExists).
CREATE UNIQUE INDEX security_group_rules_unique ON security_group_rules(security_group_id, direction, ethertype,
  coalesce(protocol, ''), coalesce(port_range_min, -1), coalesce(port_range_max, -1),
  coalesce(text(remote_ip_prefix), ''), coalesce(remote_group_id::text, ''));

CREATE TABLE ports (
  id uuid PRIMARY KEY,
  -- No cascade: a network with ports answers 409 NetworkInUse.
  network_id uuid NOT NULL REFERENCES networks(id),
  project_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  mac_address macaddr NOT NULL UNIQUE,
  admin_state_up boolean NOT NULL DEFAULT true,
  device_id text NOT NULL DEFAULT '',
  device_owner text NOT NULL DEFAULT '',
  host_id text NOT NULL DEFAULT '',
  vnic_type text NOT NULL DEFAULT 'normal',
  profile jsonb NOT NULL DEFAULT '{}',
  port_security_enabled boolean NOT NULL DEFAULT true,
  -- A port is ACTIVE once a compute host has bound it (binding:host_id) to a device (device_id) and it is up.
  status text GENERATED ALWAYS AS (CASE WHEN admin_state_up AND device_id <> '' AND host_id <> ''
    THEN 'ACTIVE' ELSE 'DOWN' END) STORED,
  revision_number bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ports_network ON ports(network_id);
CREATE INDEX ports_device ON ports(device_id);
CREATE INDEX ports_project ON ports(project_id);

-- Every address handed out. The primary key is the guarantee that no address is ever given twice; no cascade from
-- subnets, so a subnet with addresses in use cannot be deleted (409 SubnetInUse).
CREATE TABLE ip_allocations (
  subnet_id uuid NOT NULL REFERENCES subnets(id),
  ip_address inet NOT NULL,
  port_id uuid NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  ordinal int NOT NULL DEFAULT 0,
  PRIMARY KEY (subnet_id, ip_address)
);
CREATE INDEX ip_allocations_port ON ip_allocations(port_id);

CREATE TABLE port_security_groups (
  port_id uuid NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  -- No cascade: a group some port uses answers 409 SecurityGroupInUse.
  security_group_id uuid NOT NULL REFERENCES security_groups(id),
  PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX port_security_groups_group ON port_security_groups(security_group_id);
