package io.strato.network;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/** One security group with its rules, and Neutron's view of it. */
record SecurityGroup(String id, String projectId, String name, String description, boolean stateful,
    boolean isDefault, long revision, OffsetDateTime createdAt, OffsetDateTime updatedAt,
    List<SecurityGroupRule> rules) {

  static final String COLUMNS = "g.id, g.project_id, g.name, g.description, g.stateful, g.is_default,"
      + " g.revision_number, g.created_at, g.updated_at";

  static SecurityGroup from(Row r) {
    return new SecurityGroup(r.getUUID("id").toString(), r.getString("project_id"), r.getString("name"),
        r.getString("description"), r.getBoolean("stateful"), r.getBoolean("is_default"),
        r.getLong("revision_number"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), List.of());
  }

  SecurityGroup withRules(List<SecurityGroupRule> rules) {
    return new SecurityGroup(id, projectId, name, description, stateful, isDefault, revision, createdAt, updatedAt,
        rules);
  }

  JsonObject toJson() {
    JsonArray r = new JsonArray();
    rules.forEach(rule -> r.add(rule.toJson()));
    return new JsonObject().put("id", id).put("name", name).put("description", description)
        .put("project_id", projectId).put("tenant_id", projectId).put("stateful", stateful).put("shared", false)
        .put("security_group_rules", r).put("tags", new JsonArray()).put("created_at", Neutron.time(createdAt))
        .put("updated_at", Neutron.time(updatedAt)).put("revision_number", revision);
  }
}
