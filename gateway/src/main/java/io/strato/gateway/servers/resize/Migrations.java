package io.strato.gateway.servers.resize;

import io.strato.common.messages.ResizeOrder;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The {@code migrations} rows: one per resize or cold migration, with the order its later steps carry on with. */
final class Migrations {
  static final String MIGRATING = "migrating";
  static final String CONFIRMING = "confirming";
  static final String REVERTING = "reverting";

  private Migrations() {}

  static Future<Void> insert(SqlClient tx, ResizeOrder order) {
    return tx.preparedQuery("INSERT INTO migrations(id, instance_id, migration_type, source_host, status, spec)"
            + " VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(UUID.fromString(order.migrationId()), UUID.fromString(order.instanceId()),
            order.migration() ? "migration" : "resize", order.sourceHost(), MIGRATING, order.toJson()))
        .mapEmpty();
  }

  /** The server's resize waiting for confirm or revert, as the compute API's call moves it to {@code status}. */
  static Future<ResizeOrder> takeWaiting(SqlClient tx, String instanceId, String status) {
    return tx.preparedQuery("UPDATE migrations SET status = $2, updated_at = now() WHERE id = (SELECT id FROM migrations"
            + " WHERE instance_id = $1 ORDER BY created_at DESC LIMIT 1) AND status = $3 RETURNING spec")
        .execute(Tuple.of(UUID.fromString(instanceId), status, MIGRATING))
        .map(rows -> rows.size() == 0 ? null : ResizeOrder.fromJson(rows.iterator().next().getJsonObject("spec")));
  }
}
