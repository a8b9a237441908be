package io.strato.conductor;

import io.strato.common.lifecycle.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.UUID;

/**
 * Ends a day-2 task whose order can never reach its host (the order was dead-lettered), so the server does not stay in
 * that task state for ever: a snapshot's task is cleared and the server keeps its state (Nova: a failed snapshot does
 * not put the server in ERROR), a rebuild ends in ERROR, each with the reason as the instance's fault. The snapshot's
 * image record is left {@code queued} for its owner to delete. Builds are ended by {@link Lifecycle#endedInError}.
 */
final class OrphanedTasks {
  private static final String[] SNAPSHOT = Arrays.stream(TaskState.values()).filter(TaskState::isSnapshotStep)
      .map(TaskState::wire).toArray(String[]::new);
  private static final String[] REBUILD = Arrays.stream(TaskState.values()).filter(TaskState::isRebuildStep)
      .map(TaskState::wire).toArray(String[]::new);

  private OrphanedTasks() {}

  /** Answers whether the instance was in a snapshot or rebuild task and is no longer. */
  static Future<Boolean> end(SqlConnection tx, String instanceId, JsonObject fault) {
    return tx.preparedQuery("UPDATE instances SET vm_state = CASE WHEN task_state = ANY($3) THEN 'error'"
            + " ELSE vm_state END, task_state = NULL, fault = $2, updated_at = now()"
            + " WHERE id = $1 AND NOT deleted AND (task_state = ANY($3) OR task_state = ANY($4))")
        .execute(Tuple.of(UUID.fromString(instanceId), fault.copy().put("created", DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").format(OffsetDateTime.now(ZoneOffset.UTC))), REBUILD, SNAPSHOT))
        .map(r -> r.rowCount() == 1);
  }
}
