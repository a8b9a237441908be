package io.strato.network;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** One subnet and Neutron's view of it. */
record Subnet(String id, String networkId, String projectId, String name, String description, int ipVersion,
    Cidr cidr, Ip gateway, AllocationPools pools, boolean enableDhcp, JsonArray dnsNameservers, JsonArray hostRoutes,
    String ipv6RaMode, String ipv6AddressMode, long revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final String COLUMNS = "s.id, s.network_id, s.project_id, s.name, s.description, s.ip_version,"
      + " s.cidr::text AS cidr, host(s.gateway_ip) AS gateway_ip, s.allocation_pools, s.enable_dhcp, s.dns_nameservers,"
      + " s.host_routes, s.ipv6_ra_mode, s.ipv6_address_mode, s.revision_number, s.created_at, s.updated_at";

  static Subnet from(Row r) {
    return new Subnet(r.getUUID("id").toString(), r.getUUID("network_id").toString(), r.getString("project_id"),
        r.getString("name"), r.getString("description"), r.getInteger("ip_version"),
        Cidr.parseOrNull(r.getString("cidr"), true), Ip.parseOrNull(r.getString("gateway_ip")),
        AllocationPools.fromJson((JsonArray) r.getValue("allocation_pools")), r.getBoolean("enable_dhcp"),
        (JsonArray) r.getValue("dns_nameservers"), (JsonArray) r.getValue("host_routes"),
        r.getString("ipv6_ra_mode"), r.getString("ipv6_address_mode"), r.getLong("revision_number"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("network_id", networkId).put("project_id", projectId)
        .put("tenant_id", projectId).put("ip_version", ipVersion).put("cidr", cidr.toString())
        .put("gateway_ip", gateway == null ? null : gateway.toString()).put("allocation_pools", pools.toJson())
        .put("enable_dhcp", enableDhcp).put("dns_nameservers", dnsNameservers).put("host_routes", hostRoutes)
        .put("ipv6_ra_mode", ipv6RaMode).put("ipv6_address_mode", ipv6AddressMode).put("subnetpool_id", null)
        .put("service_types", new JsonArray()).put("segment_id", null).put("description", description)
        .put("tags", new JsonArray()).put("created_at", Neutron.time(createdAt))
        .put("updated_at", Neutron.time(updatedAt)).put("revision_number", revision);
  }
}
