package io.strato.gateway.services;

import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.ServiceStatus;
import io.strato.gateway.HypervisorsApi;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code nova-compute} service of every compute host (a row of {@code compute_nodes}, which the conductor fills
 * from the agents' reports) and the operator's switches on it. Every switch is written with its
 * {@link ServiceStatus} for the schedulers in the outbox, in one transaction, so a committed switch always reaches
 * them.
 */
public final class ComputeServices {
  public static final String BINARY = "nova-compute";
  private static final String SELECT = "SELECT id, service_id, host, " + HypervisorsApi.ZONE + ", disabled, disabled_reason,"
      + " forced_down, reported_at, reported_at > now() - make_interval(secs => $1) AND NOT forced_down AS up"
      + " FROM compute_nodes";
  private final Pool pool;
  private final OutboxRelay relay;
  private final long downAfterSeconds;

  public ComputeServices(Pool pool, OutboxRelay relay, long downAfterSeconds) {
    this.pool = pool;
    this.relay = relay;
    this.downAfterSeconds = downAfterSeconds;
  }

  /** Every compute service, optionally of one host, ordered by host. */
  public Future<List<Row>> list(String host) {
    Tuple args = Tuple.of((double) downAfterSeconds);
    String where = host == null ? "" : " WHERE host = $2";
    if (host != null) args.addString(host);
    return pool.preparedQuery(SELECT + where + " ORDER BY host").execute(args).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  /** Disables (with a reason, or none) or enables the host's service; 404 for an unknown host. */
  public Future<Void> setDisabled(String host, boolean disabled, String reason, String requestId) {
    return change(host, requestId, "disabled = $2, disabled_reason = $3", Tuple.of(host, disabled,
        disabled ? reason : null));
  }

  /** Marks the host's service forced down (Nova 2.11), or lets its reports decide again; 404 for an unknown host. */
  public Future<Void> setForcedDown(String host, boolean forcedDown, String requestId) {
    return change(host, requestId, "forced_down = $2", Tuple.of(host, forcedDown));
  }

  /**
   * Deletes the service of the host with this id (the host reappears as a new service if its agent reports again);
   * 404 when unknown, 409 while servers live on the host (Nova's rule). The schedulers are told the host is no longer
   * switched off.
   */
  public Future<Void> delete(long id, String requestId) {
    return delete("id = $1", id, String.valueOf(id), requestId);
  }

  /** {@link #delete(long, String)} by the service's UUID (Nova 2.53). */
  public Future<Void> delete(UUID serviceId, String requestId) {
    return delete("service_id = $1", serviceId, serviceId.toString(), requestId);
  }

  private Future<Void> delete(String where, Object id, String shown, String requestId) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, host FROM compute_nodes WHERE " + where
            + " FOR UPDATE").execute(Tuple.of(id)).compose(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Service " + shown + " not found.");
          Row row = rows.iterator().next();
          String host = row.getString("host");
          return tx.preparedQuery("SELECT count(*) FROM instances WHERE host = $1 AND NOT deleted")
              .execute(Tuple.of(host)).compose(count -> {
                if (count.iterator().next().getLong(0) > 0) {
                  throw ApiException.conflict("Unable to delete compute service that is hosting instances. Migrate"
                      + " or delete the instances first.");
                }
                return tx.preparedQuery("DELETE FROM compute_nodes WHERE id = $1").execute(Tuple.of(row.getLong("id")))
                    .compose(v -> publish(tx, new ServiceStatus(ServiceStatus.VERSION, host, false, null, false),
                        requestId));
              });
        })).onSuccess(v -> relay.nudge());
  }

  /**
   * Nova 2.53's update of the service with this UUID: any of disabled (with its reason, cleared when enabled) and
   * forced down, in one change; null leaves a switch as it is. Answers the service as it is now; 404 when unknown.
   */
  public Future<Row> update(UUID serviceId, Boolean disabled, String reason, Boolean forcedDown, String requestId) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE compute_nodes SET"
            + " disabled = coalesce($2, disabled),"
            + " disabled_reason = CASE WHEN $2 IS NULL THEN disabled_reason WHEN $2 THEN $3 ELSE NULL END,"
            + " forced_down = coalesce($4, forced_down), service_updated_at = now() WHERE service_id = $1"
            + " RETURNING host").execute(Tuple.of(serviceId, disabled, reason, forcedDown)).compose(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Service " + serviceId + " not found.");
          String host = rows.iterator().next().getString("host");
          return tx.preparedQuery(SELECT + " WHERE host = $2").execute(Tuple.of((double) downAfterSeconds, host))
              .compose(now -> {
                Row r = now.iterator().next();
                return publish(tx, new ServiceStatus(ServiceStatus.VERSION, host, r.getBoolean("disabled"),
                    r.getString("disabled_reason"), r.getBoolean("forced_down")), requestId).map(r);
              });
        })).onSuccess(v -> relay.nudge());
  }

  private Future<Void> change(String host, String requestId, String set, Tuple args) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE compute_nodes SET " + set
            + ", service_updated_at = now() WHERE host = $1 RETURNING host, disabled, disabled_reason, forced_down")
        .execute(args).compose(rows -> {
          if (rows.size() == 0) throw hostNotFound(host);
          Row r = rows.iterator().next();
          return publish(tx, new ServiceStatus(ServiceStatus.VERSION, host, r.getBoolean("disabled"),
              r.getString("disabled_reason"), r.getBoolean("forced_down")), requestId);
        })).onSuccess(v -> relay.nudge());
  }

  private static Future<Void> publish(SqlConnection tx, ServiceStatus status, String requestId) {
    return Outbox.add(tx, Topics.SERVICE_STATE, status.host(), status.toJson().encode(), requestId);
  }

  public static ApiException hostNotFound(String host) {
    return ApiException.notFound("Compute host " + host + " with binary " + BINARY + " could not be found.");
  }
}
