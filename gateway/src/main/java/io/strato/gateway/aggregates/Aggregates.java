package io.strato.gateway.aggregates;

import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.HostAggregates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Host aggregates in the {@code nova} schema, as Nova keeps them: a unique name, metadata (whose
 * {@code availability_zone} makes the zone of the aggregate's hosts) and member hosts, which must be compute hosts.
 * A host is in at most one zone. Every change that touches hosts writes each touched host's {@link HostAggregates}
 * for the schedulers in the outbox, in the same transaction, so the schedulers always learn it.
 */
public final class Aggregates {
  public static final String AZ_KEY = "availability_zone";
  private static final String COLUMNS = "a.id, a.uuid, a.name, a.metadata, a.created_at, a.updated_at,"
      + " coalesce((SELECT array_agg(h.host ORDER BY h.host) FROM aggregate_hosts h WHERE h.aggregate_id = a.id),"
      + " '{}') AS hosts";
  private final Pool pool;
  private final OutboxRelay relay;

  public Aggregates(Pool pool, OutboxRelay relay) {
    this.pool = pool;
    this.relay = relay;
  }

  /** Every aggregate, by id. */
  public Future<List<Row>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM aggregates a ORDER BY a.id").execute().map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  public Future<Row> get(long id) {
    return get(pool, id, false);
  }

  /** Creates an aggregate (409 when the name is taken). */
  public Future<Row> create(String name, String zone) {
    JsonObject metadata = zone == null ? new JsonObject() : new JsonObject().put(AZ_KEY, zone);
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO aggregates(name, metadata) VALUES ($1, $2)"
            + " RETURNING id").execute(Tuple.of(name, metadata))
        .compose(rows -> get(tx, rows.iterator().next().getLong("id"), false)))
        .recover(Aggregates::nameTaken);
  }

  /**
   * Renames and/or re-zones the aggregate ({@code zoneGiven} with a null zone removes it); its hosts learn their
   * zone.
   */
  public Future<Row> update(long id, String name, boolean zoneGiven, String zone, String requestId) {
    return change(id, requestId, (tx, current) -> {
      JsonObject metadata = current.getJsonObject("metadata").copy();
      if (zoneGiven) {
        if (zone == null) metadata.remove(AZ_KEY);
        else metadata.put(AZ_KEY, zone);
      }
      return checkZone(tx, current, metadata.getString(AZ_KEY), List.of(), "update")
          .compose(v -> tx.preparedQuery("UPDATE aggregates SET name = coalesce($2, name), metadata = $3,"
              + " updated_at = now() WHERE id = $1").execute(Tuple.of(id, name, metadata)))
          .map(v -> hosts(current));
    }).recover(Aggregates::nameTaken);
  }

  /** Nova's set_metadata: a null value removes its key; {@code availability_zone} re-zones the hosts. */
  public Future<Row> setMetadata(long id, Map<String, String> changes, String requestId) {
    return change(id, requestId, (tx, current) -> {
      JsonObject metadata = current.getJsonObject("metadata").copy();
      changes.forEach((k, v) -> {
        if (v == null) metadata.remove(k);
        else metadata.put(k, v);
      });
      return checkZone(tx, current, metadata.getString(AZ_KEY), List.of(), "update_metadata")
          .compose(v -> tx.preparedQuery("UPDATE aggregates SET metadata = $2, updated_at = now() WHERE id = $1")
              .execute(Tuple.of(id, metadata)))
          .map(v -> hosts(current));
    });
  }

  /** Adds a compute host: 404 for a host that is not one, 409 when already in, or in another zone. */
  public Future<Row> addHost(long id, String host, String requestId) {
    return change(id, requestId, (tx, current) -> requireComputeHost(tx, host).compose(v -> {
      if (hosts(current).contains(host)) {
        throw ApiException.conflict("Aggregate " + id + " already has host " + host + ".");
      }
      return checkZone(tx, current, current.getJsonObject("metadata").getString(AZ_KEY), List.of(host), "add_host");
    }).compose(v -> tx.preparedQuery("INSERT INTO aggregate_hosts(aggregate_id, host) VALUES ($1, $2)")
        .execute(Tuple.of(id, host))).map(v -> List.of(host)));
  }

  /** Removes a host: 404 when the aggregate does not have it. */
  public Future<Row> removeHost(long id, String host, String requestId) {
    return change(id, requestId, (tx, current) -> tx.preparedQuery("DELETE FROM aggregate_hosts"
        + " WHERE aggregate_id = $1 AND host = $2").execute(Tuple.of(id, host)).map(r -> {
          if (r.rowCount() == 0) throw ApiException.notFound("Aggregate " + id + " has no host " + host + ".");
          return List.of(host);
        }));
  }

  /** Deletes an aggregate without hosts (400 otherwise, as Nova). */
  public Future<Void> delete(long id) {
    return pool.withTransaction(tx -> get(tx, id, true).compose(current -> {
      if (!hosts(current).isEmpty()) {
        throw ApiException.badRequest("Cannot perform action 'delete' on aggregate " + id
            + ". Reason: Host aggregate is not empty.");
      }
      return tx.preparedQuery("DELETE FROM aggregates WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }));
  }

  /** The zones aggregates with hosts make. */
  public Future<Set<String>> zones() {
    return pool.query("SELECT DISTINCT a.metadata->>'availability_zone' FROM aggregates a JOIN aggregate_hosts h"
        + " ON h.aggregate_id = a.id WHERE a.metadata ? 'availability_zone'").execute().map(rows -> {
          Set<String> out = new TreeSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** Whether an aggregate makes this zone. */
  public Future<Boolean> zoneExists(String zone) {
    return pool.preparedQuery("SELECT 1 FROM aggregates WHERE metadata->>'availability_zone' = $1 LIMIT 1")
        .execute(Tuple.of(zone)).map(rows -> rows.size() > 0);
  }

  /** One change of an aggregate under its row lock, then the touched hosts published; answers it as it is now. */
  private interface Change {
    Future<List<String>> apply(SqlConnection tx, Row current);
  }

  private Future<Row> change(long id, String requestId, Change change) {
    return pool.withTransaction(tx -> get(tx, id, true).compose(current -> change.apply(tx, current))
        .compose(touched -> publish(tx, touched, requestId)).compose(v -> get(tx, id, false)))
        .onSuccess(v -> relay.nudge());
  }

  private static Future<Row> get(io.vertx.sqlclient.SqlClient client, long id, boolean forUpdate) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM aggregates a WHERE a.id = $1"
        + (forUpdate ? " FOR UPDATE" : "")).execute(Tuple.of(id)).map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return rows.iterator().next();
        });
  }

  public static List<String> hosts(Row r) {
    return List.of(r.getArrayOfStrings("hosts"));
  }

  public static ApiException notFound(long id) {
    return ApiException.notFound("Aggregate " + id + " could not be found.");
  }

  private static Future<Void> requireComputeHost(SqlConnection tx, String host) {
    return tx.preparedQuery("SELECT 1 FROM compute_nodes WHERE host = $1").execute(Tuple.of(host)).map(rows -> {
      if (rows.size() == 0) throw ApiException.notFound("Compute host " + host + " could not be found.");
      return null;
    });
  }

  /**
   * Nova's rule: a host is in one zone only. The aggregate's hosts (and {@code adding}) may be in no other aggregate
   * whose zone differs from {@code zone}.
   */
  private static Future<Void> checkZone(SqlConnection tx, Row current, String zone, List<String> adding,
      String action) {
    List<String> hosts = new ArrayList<>(hosts(current));
    hosts.addAll(adding);
    if (zone == null || hosts.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("SELECT DISTINCT a.metadata->>'availability_zone' FROM aggregates a JOIN aggregate_hosts h"
            + " ON h.aggregate_id = a.id WHERE h.host = ANY($1) AND a.id <> $2 AND a.metadata ? 'availability_zone'"
            + " AND a.metadata->>'availability_zone' <> $3")
        .execute(Tuple.of(hosts.toArray(new String[0]), current.getLong("id"), zone)).map(rows -> {
          if (rows.size() == 0) return null;
          List<String> others = new ArrayList<>();
          rows.forEach(r -> others.add(r.getString(0)));
          String reason = "One or more hosts already in availability zone(s) " + others;
          throw action.equals("add_host")
              ? ApiException.conflict("Cannot add host to aggregate " + current.getLong("id") + ". Reason: "
                  + reason + ".")
              : ApiException.badRequest("Cannot perform action '" + action + "' on aggregate "
                  + current.getLong("id") + ". Reason: " + reason + ".");
        });
  }

  /** Writes, for each host, all its aggregates now (read in this transaction) for the schedulers. */
  private static Future<Void> publish(SqlConnection tx, List<String> hosts, String requestId) {
    Future<Void> chain = Future.succeededFuture();
    for (String host : hosts) {
      chain = chain.compose(v -> tx.preparedQuery("SELECT a.name, a.metadata FROM aggregates a JOIN aggregate_hosts h"
          + " ON h.aggregate_id = a.id WHERE h.host = $1 ORDER BY a.id").execute(Tuple.of(host)).compose(rows -> {
            List<HostAggregates.Aggregate> list = new ArrayList<>();
            String zone = null;
            for (Row r : rows) {
              Map<String, String> metadata = new LinkedHashMap<>();
              r.getJsonObject("metadata").forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
              if (zone == null) zone = metadata.get(AZ_KEY);
              list.add(new HostAggregates.Aggregate(r.getString("name"), metadata));
            }
            HostAggregates message = new HostAggregates(HostAggregates.VERSION, host, zone, list);
            return Outbox.add(tx, Topics.SERVICE_STATE, HostAggregates.key(host), message.toJson().encode(),
                requestId);
          }));
    }
    return chain;
  }

  private static <T> Future<T> nameTaken(Throwable e) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.conflict("Aggregate name already exists."));
    }
    return Future.failedFuture(e);
  }
}
