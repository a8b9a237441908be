package io.strato.network;

import io.strato.common.config.Settings;

/** The resources Strato's Neutron counts against a project's quota, with the table that holds them. */
enum QuotaResource {
  NETWORK("network", "networks"),
  SUBNET("subnet", "subnets"),
  PORT("port", "ports"),
  SECURITY_GROUP("security_group", "security_groups"),
  SECURITY_GROUP_RULE("security_group_rule", "security_group_rules");

  /** Neutron's name in quota bodies, and the column of {@code quotas}. */
  final String key;
  final String table;

  QuotaResource(String key, String table) {
    this.key = key;
    this.table = table;
  }

  /** The default limit, from {@code network.quota.<key with dots>} (Neutron's quota_<key>). */
  int defaultLimit(Settings settings) {
    return settings.getInt("network.quota." + key.replace('_', '.'));
  }

  static QuotaResource byKey(String key) {
    for (QuotaResource r : values()) if (r.key.equals(key)) return r;
    return null;
  }
}
