package io.strato.gateway.groups;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Server groups with their members (the live instances that joined them at create time). */
public final class ServerGroups {
  private static final String SELECT = "SELECT g.id, g.name, g.policy, g.project_id, g.user_id, coalesce((SELECT"
      + " json_agg(i.id ORDER BY i.created_at) FROM instances i WHERE i.server_group_id = g.id AND NOT i.deleted),"
      + " '[]') AS members FROM server_groups g";
  private final Pool pool;

  public ServerGroups(Pool pool) {
    this.pool = pool;
  }

  /** Creates unless the project has {@code limit} groups already (-1: unlimited). */
  public Future<JsonObject> create(String name, String policy, String projectId, String userId, int limit) {
    String id = UUID.randomUUID().toString();
    return pool.preparedQuery("INSERT INTO server_groups(id, name, policy, project_id, user_id) SELECT $1, $2, $3,"
            + " $4, $5 WHERE $6 < 0 OR (SELECT count(*) FROM server_groups WHERE project_id = $4) < $6")
        .execute(Tuple.of(UUID.fromString(id), name, policy, projectId, userId, limit))
        .compose(rows -> {
          if (rows.rowCount() == 0) throw new ApiException(403, "Quota exceeded, too many server groups.");
          return get(pool, id);
        });
  }

  public Future<JsonObject> get(String id) {
    return get(pool, id);
  }

  /** The group, read with the caller's connection (inside a create transaction). */
  public Future<JsonObject> get(SqlClient client, String id) {
    return client.preparedQuery(SELECT + " WHERE g.id = $1").execute(Tuple.of(UUID.fromString(id))).map(rows -> {
      if (rows.size() == 0) throw ApiException.notFound("Instance group " + id + " could not be found.");
      return json(rows.iterator().next());
    });
  }

  public Future<List<JsonObject>> list(String projectId) {
    var query = projectId == null
        ? pool.preparedQuery(SELECT + " ORDER BY g.created_at").execute()
        : pool.preparedQuery(SELECT + " WHERE g.project_id = $1 ORDER BY g.created_at").execute(Tuple.of(projectId));
    return query.map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  public Future<Long> countForProject(String projectId) {
    return pool.preparedQuery("SELECT count(*) FROM server_groups WHERE project_id = $1").execute(Tuple.of(projectId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The hosts the group's live members run on, locking the group row so concurrent joins see each other. */
  public Future<List<String>> lockAndMemberHosts(SqlClient tx, String id) {
    return tx.preparedQuery("SELECT id FROM server_groups WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(id)))
        .compose(r -> tx.preparedQuery("SELECT DISTINCT host FROM instances WHERE server_group_id = $1 AND NOT deleted"
            + " AND host IS NOT NULL").execute(Tuple.of(UUID.fromString(id))))
        .map(rows -> {
          List<String> hosts = new ArrayList<>();
          rows.forEach(r -> hosts.add(r.getString(0)));
          return hosts;
        });
  }

  public Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM server_groups WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> {
          if (rows.rowCount() == 0) throw ApiException.notFound("Instance group " + id + " could not be found.");
          return null;
        });
  }

  private static JsonObject json(Row r) {
    Object members = r.getValue("members");
    JsonArray memberIds = members instanceof JsonArray a ? a : new JsonArray(String.valueOf(members));
    return new JsonObject().put("id", r.getUUID("id").toString()).put("name", r.getString("name"))
        .put("policy", r.getString("policy")).put("project_id", r.getString("project_id"))
        .put("user_id", r.getString("user_id")).put("members", memberIds);
  }
}
