package io.strato.gateway.actions;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Instance actions (one per API request that changed a server) and their events (the steps, with timings). */
public final class InstanceActions {
  private static final DateTimeFormatter NOVA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private final Pool pool;

  public InstanceActions(Pool pool) {
    this.pool = pool;
  }

  /** Records an action in the caller's transaction; a repeated request id is the same action. */
  public static Future<Void> record(SqlClient tx, String instanceId, String requestId, String action, String userId,
      String projectId) {
    return tx.preparedQuery("INSERT INTO instance_actions(instance_id, request_id, action, user_id, project_id)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (instance_id, request_id) DO NOTHING")
        .execute(Tuple.of(UUID.fromString(instanceId), requestId, action, userId, projectId)).mapEmpty();
  }

  /**
   * Records an action that failed at once, as Nova records one whose compute or conductor step raised: the action
   * with the message {@code Error} and its one event finished in {@code Error} with the reason as its details.
   */
  public static Future<Void> recordFailed(SqlClient tx, String instanceId, String requestId, String action,
      String event, String host, String reason, String userId, String projectId) {
    return record(tx, instanceId, requestId, action, userId, projectId)
        .compose(v -> tx.preparedQuery("UPDATE instance_actions SET message = 'Error', updated_at = now()"
                + " WHERE instance_id = $1 AND request_id = $2 RETURNING id")
            .execute(Tuple.of(UUID.fromString(instanceId), requestId)))
        .compose(rows -> tx.preparedQuery("INSERT INTO instance_action_events(action_id, event, finish_time, result,"
                + " host, details) VALUES ($1, $2, now(), 'Error', $3, $4) ON CONFLICT (action_id, event) DO NOTHING")
            .execute(Tuple.of(rows.iterator().next().getLong("id"), event, host, reason)))
        .mapEmpty();
  }

  /** Records several actions in one batch: rows of (instance id, request id, action, user id, project id). */
  public static Future<Void> recordAll(SqlClient tx, List<Tuple> rows) {
    if (rows.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("INSERT INTO instance_actions(instance_id, request_id, action, user_id, project_id)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (instance_id, request_id) DO NOTHING")
        .executeBatch(rows).mapEmpty();
  }

  public Future<List<JsonObject>> list(String instanceId) {
    return pool.preparedQuery("SELECT * FROM instance_actions WHERE instance_id = $1 ORDER BY start_time DESC, id DESC")
        .execute(Tuple.of(UUID.fromString(instanceId))).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(action(r)));
          return out;
        });
  }

  /** The action with its events, or null when there is none for that request id. */
  public Future<JsonObject> get(String instanceId, String requestId) {
    return pool.preparedQuery("SELECT * FROM instance_actions WHERE instance_id = $1 AND request_id = $2")
        .execute(Tuple.of(UUID.fromString(instanceId), requestId)).compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(null);
          Row a = rows.iterator().next();
          return pool.preparedQuery("SELECT * FROM instance_action_events WHERE action_id = $1 ORDER BY start_time, id")
              .execute(Tuple.of(a.getLong("id"))).map(events -> {
                JsonArray list = new JsonArray();
                events.forEach(e -> list.add(new JsonObject().put("event", e.getString("event"))
                    .put("start_time", time(e.getOffsetDateTime("start_time")))
                    .put("finish_time", time(e.getOffsetDateTime("finish_time")))
                    .put("result", e.getString("result")).put("traceback", e.getString("details"))));
                return action(a).put("events", list);
              });
        });
  }

  private static JsonObject action(Row r) {
    return new JsonObject().put("action", r.getString("action")).put("instance_uuid", r.getUUID("instance_id").toString())
        .put("request_id", r.getString("request_id")).put("user_id", r.getString("user_id"))
        .put("project_id", r.getString("project_id")).put("start_time", time(r.getOffsetDateTime("start_time")))
        .put("message", r.getString("message"));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : NOVA_TIME.format(t.withOffsetSameInstant(java.time.ZoneOffset.UTC));
  }
}
