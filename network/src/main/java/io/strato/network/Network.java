package io.strato.network;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/** One network and Neutron's view of it ({@code subnets} lists its subnets' ids). */
record Network(String id, String projectId, String name, String description, boolean adminStateUp, boolean shared,
    boolean external, int mtu, long revision, OffsetDateTime createdAt, OffsetDateTime updatedAt,
    List<String> subnets) {

  static final String COLUMNS = "n.id, n.project_id, n.name, n.description, n.admin_state_up, n.shared, n.external,"
      + " n.mtu, n.revision_number, n.created_at, n.updated_at,"
      + " ARRAY(SELECT s.id::text FROM subnets s WHERE s.network_id = n.id ORDER BY s.created_at, s.id) AS subnets";

  static Network from(Row r) {
    String[] subnets = r.getArrayOfStrings("subnets");
    return new Network(r.getUUID("id").toString(), r.getString("project_id"), r.getString("name"),
        r.getString("description"), r.getBoolean("admin_state_up"), r.getBoolean("shared"), r.getBoolean("external"),
        r.getInteger("mtu"), r.getLong("revision_number"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"), subnets == null ? List.of() : List.of(subnets));
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("status", "ACTIVE").put("admin_state_up", adminStateUp)
        .put("shared", shared).put("router:external", external).put("subnets", new JsonArray(subnets))
        .put("project_id", projectId).put("tenant_id", projectId).put("mtu", mtu).put("description", description)
        .put("port_security_enabled", true).put("availability_zone_hints", new JsonArray())
        .put("availability_zones", new JsonArray().add("nova")).put("ipv4_address_scope", null)
        .put("ipv6_address_scope", null).put("l2_adjacency", true).put("is_default", false).put("tags", new JsonArray())
        .put("created_at", Neutron.time(createdAt)).put("updated_at", Neutron.time(updatedAt))
        .put("revision_number", revision);
  }
}
