package io.strato.network;

import io.strato.common.auth.Token;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Security groups and their rules in the {@code neutron} schema. Like Neutron, every project gets a group named
 * {@code default} the first time it needs one (listing groups, creating a group or a port), exactly once even under
 * concurrency (a unique index on the project's default group); it allows all egress and ingress from its own
 * members. Every other new group starts with the two egress rules (IPv4, IPv6).
 */
final class SecurityGroups {
  private static final String RULE_INSERT = "INSERT INTO security_group_rules(id, security_group_id, project_id,"
      + " direction, ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix, remote_group_id,"
      + " description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::cidr, $10, $11)";
  private final Pool pool;
  private final NetworkQuotas quotas;

  SecurityGroups(Pool pool, NetworkQuotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  static void visibleTo(ListQuery query, Token token, String alias) {
    if (!token.isAdmin()) query.where(alias + ".project_id = $?", token.projectId());
  }

  /** The id of the project's {@code default} group, creating it (with its rules) the first time. */
  Future<String> ensureDefault(String projectId) {
    return pool.preparedQuery("SELECT id FROM security_groups WHERE project_id = $1 AND is_default")
        .execute(Tuple.of(projectId)).compose(rows -> {
          if (rows.size() > 0) return Future.succeededFuture(rows.iterator().next().getUUID("id").toString());
          return createDefault(projectId);
        });
  }

  private Future<String> createDefault(String projectId) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO security_groups(id, project_id, name, description,"
            + " is_default) VALUES ($1, $2, 'default', 'Default security group', true)"
            + " ON CONFLICT (project_id) WHERE is_default DO NOTHING")
        .execute(Tuple.of(id, projectId)).compose(r -> {
          if (r.rowCount() == 0) return Future.succeededFuture(); // someone else created it first
          return Future.all(defaultRule(tx, id, projectId, "egress", "IPv4", null),
              defaultRule(tx, id, projectId, "egress", "IPv6", null),
              defaultRule(tx, id, projectId, "ingress", "IPv4", id),
              defaultRule(tx, id, projectId, "ingress", "IPv6", id)).mapEmpty();
        })).compose(v -> pool.preparedQuery("SELECT id FROM security_groups WHERE project_id = $1 AND is_default")
            .execute(Tuple.of(projectId)).map(rows -> rows.iterator().next().getUUID("id").toString()));
  }

  private static Future<?> defaultRule(SqlClient tx, UUID group, String projectId, String direction, String ethertype,
      UUID remoteGroup) {
    return tx.preparedQuery(RULE_INSERT).execute(Tuple.tuple().addUUID(UUID.randomUUID()).addUUID(group)
        .addString(projectId).addString(direction).addString(ethertype).addString(null).addInteger(null)
        .addInteger(null).addString(null).addUUID(remoteGroup).addString(""));
  }

  /** A new (non-default) group with its two egress rules. */
  Future<SecurityGroup> insert(String projectId, JsonObject f) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(tx -> quotas.reserve(tx, projectId, QuotaResource.SECURITY_GROUP)
        .compose(v -> tx.preparedQuery("INSERT INTO security_groups(id, project_id, name, description,"
            + " stateful) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(id, projectId, f.getString("name", ""), f.getString("description", ""),
            f.getBoolean("stateful", true))))
        .compose(r -> Future.all(defaultRule(tx, id, projectId, "egress", "IPv4", null),
            defaultRule(tx, id, projectId, "egress", "IPv6", null))))
        .compose(v -> get(id.toString()));
  }

  Future<SecurityGroup> get(String id) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("SecurityGroup", id));
    ListQuery query = ListQuery.of("g").where("g.id = $?", UUID.fromString(uuid));
    return list(query).map(groups -> {
      if (groups.isEmpty()) throw Neutron.notFound("SecurityGroup", id);
      return groups.get(0);
    });
  }

  /** The group if the caller's project owns it (or the caller is an admin); 404 SecurityGroupNotFound otherwise. */
  Future<SecurityGroup> visible(String id, Token token) {
    return get(id).map(g -> {
      if (!token.isAdmin() && !g.projectId().equals(token.projectId())) throw Neutron.notFound("SecurityGroup", id);
      return g;
    });
  }

  /** Groups with their rules. */
  Future<List<SecurityGroup>> list(ListQuery query) {
    return pool.preparedQuery(query.sql(SecurityGroup.COLUMNS, "security_groups g")).execute(query.args())
        .compose(rows -> {
          Map<String, SecurityGroup> groups = new LinkedHashMap<>();
          for (Row r : rows) {
            SecurityGroup g = SecurityGroup.from(r);
            groups.put(g.id(), g);
          }
          if (groups.isEmpty()) return Future.succeededFuture(List.<SecurityGroup>of());
          return pool.preparedQuery("SELECT " + SecurityGroupRule.COLUMNS + " FROM security_group_rules r"
                  + " WHERE r.security_group_id = ANY($1::text[]::uuid[]) ORDER BY r.created_at, r.id")
              .execute(Tuple.tuple().addArrayOfString(groups.keySet().toArray(String[]::new))).map(ruleRows -> {
                Map<String, List<SecurityGroupRule>> rules = new LinkedHashMap<>();
                for (Row r : ruleRows) {
                  SecurityGroupRule rule = SecurityGroupRule.from(r);
                  rules.computeIfAbsent(rule.securityGroupId(), k -> new ArrayList<>()).add(rule);
                }
                return groups.values().stream().map(g -> g.withRules(rules.getOrDefault(g.id(), List.of()))).toList();
              });
        });
  }

  Future<SecurityGroup> update(SecurityGroup g, JsonObject f) {
    return pool.preparedQuery("UPDATE security_groups SET name = $2, description = $3, stateful = $4,"
            + " revision_number = revision_number + 1, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(g.id()), f.getString("name", g.name()),
            f.getString("description", g.description()), f.getBoolean("stateful", g.stateful())))
        .compose(r -> get(g.id()));
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM security_groups WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
        .<Void>mapEmpty()
        .recover(Neutron.mapFailure("port_security_groups_security_group_id_fkey", Neutron.conflict(
            "SecurityGroupInUse", "Security Group " + id + " in use.")));
  }

  /** Checks that every group exists and belongs to {@code projectId}; 404 SecurityGroupNotFound names one that does not. */
  Future<List<String>> ownedBy(List<String> ids, String projectId) {
    if (ids.isEmpty()) return Future.succeededFuture(List.of());
    return pool.preparedQuery("SELECT id::text AS id FROM security_groups WHERE id = ANY($1::text[]::uuid[])"
            + " AND project_id = $2")
        .execute(Tuple.tuple().addArrayOfString(ids.toArray(String[]::new)).addString(projectId)).map(rows -> {
          List<String> found = new ArrayList<>();
          for (Row r : rows) found.add(r.getString("id"));
          for (String id : ids) if (!found.contains(id)) throw Neutron.notFound("SecurityGroup", id);
          return ids;
        });
  }

  // --- rules ---

  Future<SecurityGroupRule> insertRule(SecurityGroup group, JsonObject f, String remoteGroupId) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(tx -> quotas.reserve(tx, group.projectId(), QuotaResource.SECURITY_GROUP_RULE)
            .compose(v -> tx.preparedQuery(RULE_INSERT).execute(Tuple.tuple().addUUID(id)
                .addUUID(UUID.fromString(group.id())).addString(group.projectId())
                .addString(f.getString("direction")).addString(f.getString("ethertype"))
                .addString(f.getString("protocol")).addInteger(f.getInteger("port_range_min"))
                .addInteger(f.getInteger("port_range_max")).addString(f.getString("remote_ip_prefix"))
                .addUUID(remoteGroupId == null ? null : UUID.fromString(remoteGroupId))
                .addString(f.getString("description")))))
        .recover(e -> Future.failedFuture(Neutron.violates(e, "security_group_rules_unique")
            ? Neutron.conflict("SecurityGroupRuleExists", "Security group rule already exists.")
            : Neutron.isSqlState(e, "23503") ? Neutron.notFound("SecurityGroup", group.id()) : e))
        .compose(r -> rule(id.toString()));
  }

  Future<SecurityGroupRule> rule(String id) {
    String uuid = Neutron.uuidOrNull(id);
    if (uuid == null) return Future.failedFuture(Neutron.notFound("SecurityGroupRule", id));
    return listRules(ListQuery.of("r").where("r.id = $?", UUID.fromString(uuid))).map(rules -> {
      if (rules.isEmpty()) throw Neutron.notFound("SecurityGroupRule", id);
      return rules.get(0);
    });
  }

  Future<SecurityGroupRule> visibleRule(String id, Token token) {
    return rule(id).map(r -> {
      if (!token.isAdmin() && !r.projectId().equals(token.projectId())) throw Neutron.notFound("SecurityGroupRule", id);
      return r;
    });
  }

  Future<List<SecurityGroupRule>> listRules(ListQuery query) {
    return pool.preparedQuery(query.sql(SecurityGroupRule.COLUMNS, "security_group_rules r")).execute(query.args())
        .map(rows -> {
          List<SecurityGroupRule> out = new ArrayList<>();
          for (Row r : rows) out.add(SecurityGroupRule.from(r));
          return out;
        });
  }

  Future<Void> deleteRule(String id) {
    return pool.preparedQuery("DELETE FROM security_group_rules WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
        .mapEmpty();
  }
}
