package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.common.lifecycle.TaskState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Instance rows in the {@code nova} schema: the reads the API needs and the writes it owns. */
public final class Instances {
  private final Pool pool;

  public Instances(Pool pool) {
    this.pool = pool;
  }

  /** A live instance the caller may see (its project's, or any for admins); 404 otherwise. */
  public Future<Instance> visible(String id, String projectId, boolean admin) {
    if (!io.strato.common.http.Fields.isUuid(id)) return Future.failedFuture(notFound(id));
    return get(pool, io.strato.common.http.Fields.uuid(id, "id"), false).map(i -> {
      if (!admin && !i.projectId().equals(projectId)) throw notFound(id);
      return i;
    });
  }

  /** Reads a live instance, locking it when {@code forUpdate} (inside a transaction). */
  public static Future<Instance> get(SqlClient client, String id, boolean forUpdate) {
    return client.preparedQuery("SELECT " + Instance.COLUMNS + " FROM instances WHERE id = $1 AND NOT deleted"
            + (forUpdate ? " FOR UPDATE" : "")).execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return Instance.from(rows.iterator().next());
        });
  }

  public Future<List<Instance>> list(ServerQuery query) {
    return pool.preparedQuery(query.sql()).execute(query.args()).map(rows -> {
      List<Instance> out = new ArrayList<>();
      for (Row r : rows) out.add(Instance.from(r));
      return out;
    });
  }

  /** The hosts of the given instances (for same_host / different_host hints), only those of the project. */
  public static Future<List<String>> hostsOf(SqlClient client, List<String> ids, String projectId) {
    if (ids.isEmpty()) return Future.succeededFuture(List.of());
    return client.preparedQuery("SELECT DISTINCT host FROM instances WHERE id = ANY($1) AND project_id = $2"
            + " AND NOT deleted AND host IS NOT NULL")
        .execute(Tuple.of(ids.stream().map(UUID::fromString).toArray(UUID[]::new), projectId)).map(rows -> {
          List<String> hosts = new ArrayList<>();
          rows.forEach(r -> hosts.add(r.getString(0)));
          return hosts;
        });
  }

  /**
   * Inserts the new instances of one create request, in {@code BUILD}/{@code scheduling}. A batch entry's instance
   * carries its batch id and idempotency key; a key the project already used fails the insert (unique index).
   */
  public static Future<Void> insert(SqlClient tx, List<Tuple> rows) {
    return tx.preparedQuery("INSERT INTO instances(id, reservation_id, launch_index, project_id, user_id, name,"
            + " description, flavor, image_id, vm_state, task_state, availability_zone, key_name, key_data, metadata,"
            + " user_data, requested_networks, block_device_mapping, security_groups, server_group_id, config_drive,"
            + " batch_id, idempotency_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'building','scheduling',$10,$11,$12,$13,"
            + "$14,$15,$16,$17,$18,$19,$20,$21)")
        .executeBatch(rows).mapEmpty();
  }

  /** Marks deleted (Nova's "local delete", for an instance no host has): answers whether it changed. */
  public static Future<Boolean> markDeleted(SqlClient tx, String id) {
    return tx.preparedQuery("UPDATE instances SET vm_state = 'deleted', task_state = NULL, deleted = true,"
            + " deleted_at = now(), terminated_at = now(), updated_at = now(), power_state = 0"
            + " WHERE id = $1 AND NOT deleted").execute(Tuple.of(UUID.fromString(id))).map(r -> r.rowCount() == 1);
  }

  /** Sets the task state if the instance is still in one of the expected vm_states with no task running. */
  public static Future<Boolean> startTask(SqlClient tx, String id, TaskState taskState) {
    return tx.preparedQuery("UPDATE instances SET task_state = $2, updated_at = now() WHERE id = $1 AND NOT deleted")
        .execute(Tuple.of(UUID.fromString(id), taskState.wire())).map(r -> r.rowCount() == 1);
  }

  /** PUT /servers/{id}: new name and, from 2.19, description. */
  public Future<Instance> rename(String id, String name, String description, boolean setDescription) {
    return pool.preparedQuery("UPDATE instances SET name = coalesce($2, name), description = CASE WHEN $4 THEN $3"
            + " ELSE description END, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING " + Instance.COLUMNS)
        .execute(Tuple.of(UUID.fromString(id), name, description, setDescription)).map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return Instance.from(rows.iterator().next());
        });
  }

  public static ApiException notFound(String id) {
    return ApiException.notFound("Instance " + id + " could not be found.");
  }

}
