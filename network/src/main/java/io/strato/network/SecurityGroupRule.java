package io.strato.network;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One security group rule and Neutron's view of it. */
record SecurityGroupRule(String id, String securityGroupId, String projectId, String direction, String ethertype,
    String protocol, Integer portRangeMin, Integer portRangeMax, String remoteIpPrefix, String remoteGroupId,
    String description, long revision, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final String COLUMNS = "r.id, r.security_group_id, r.project_id, r.direction, r.ethertype, r.protocol,"
      + " r.port_range_min, r.port_range_max, r.remote_ip_prefix::text AS remote_ip_prefix, r.remote_group_id,"
      + " r.description, r.revision_number, r.created_at, r.updated_at";

  static SecurityGroupRule from(Row r) {
    UUID remote = r.getUUID("remote_group_id");
    return new SecurityGroupRule(r.getUUID("id").toString(), r.getUUID("security_group_id").toString(),
        r.getString("project_id"), r.getString("direction"), r.getString("ethertype"), r.getString("protocol"),
        r.getInteger("port_range_min"), r.getInteger("port_range_max"), r.getString("remote_ip_prefix"),
        remote == null ? null : remote.toString(), r.getString("description"), r.getLong("revision_number"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("security_group_id", securityGroupId).put("direction", direction)
        .put("ethertype", ethertype).put("protocol", protocol).put("port_range_min", portRangeMin)
        .put("port_range_max", portRangeMax).put("remote_ip_prefix", remoteIpPrefix)
        .put("normalized_cidr", remoteIpPrefix).put("remote_group_id", remoteGroupId)
        .put("remote_address_group_id", null).put("description", description).put("project_id", projectId)
        .put("tenant_id", projectId).put("created_at", Neutron.time(createdAt))
        .put("updated_at", Neutron.time(updatedAt)).put("revision_number", revision).put("tags",
            new io.vertx.core.json.JsonArray());
  }
}
