package io.strato.network;

import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Neutron's per-project quotas, exact under concurrency: a create calls {@link #reserve} first in its transaction,
 * which locks the project's {@code quotas} row and counts what the project already has. Parallel creates of one
 * project queue on that row, so N creates against a quota of Q leave exactly min(N, Q) resources; deletes (and
 * cascades) free quota simply by removing rows. Over quota answers Neutron's 409 {@code OverQuota}.
 */
final class NetworkQuotas {
  private final Pool pool;
  private final Map<QuotaResource, Integer> defaults = new EnumMap<>(QuotaResource.class);

  NetworkQuotas(Pool pool, Settings settings) {
    this.pool = pool;
    for (QuotaResource r : QuotaResource.values()) defaults.put(r, r.defaultLimit(settings));
  }

  Map<QuotaResource, Integer> defaults() {
    return Map.copyOf(defaults);
  }

  /**
   * Inside the caller's transaction, before anything else it locks: fails with 409 OverQuota when the project already
   * has as many of {@code resource} as its limit allows (-1 is unlimited). The lock is held until the transaction ends.
   */
  Future<Void> reserve(SqlConnection tx, String projectId, QuotaResource resource) {
    return tx.preparedQuery("INSERT INTO quotas(project_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(projectId))
        .compose(r -> tx.preparedQuery("SELECT " + resource.key + " AS lim FROM quotas WHERE project_id = $1"
            + " FOR UPDATE").execute(Tuple.of(projectId)))
        .compose(rows -> {
          Integer set = rows.iterator().next().getInteger("lim");
          int limit = set != null ? set : defaults.get(resource);
          if (limit < 0) return Future.succeededFuture();
          return count(tx, projectId, resource).map(used -> {
            if (used >= limit) throw overQuota(resource);
            return null;
          });
        });
  }

  static ApiException overQuota(QuotaResource resource) {
    return new ApiException(409, "OverQuota", "Quota exceeded for resources: ['" + resource.key + "'].");
  }

  /** The project's limits, defaults filled in. */
  Future<Map<QuotaResource, Integer>> limits(String projectId) {
    return pool.preparedQuery("SELECT * FROM quotas WHERE project_id = $1").execute(Tuple.of(projectId))
        .map(rows -> limits(rows.size() == 0 ? null : rows.iterator().next()));
  }

  /** What the project has of each resource. */
  Future<Map<QuotaResource, Integer>> usage(String projectId) {
    Map<QuotaResource, Integer> used = new EnumMap<>(QuotaResource.class);
    Future<Void> chain = Future.succeededFuture();
    for (QuotaResource r : QuotaResource.values()) {
      chain = chain.compose(v -> count(pool, projectId, r).map(n -> {
        used.put(r, n);
        return null;
      }));
    }
    return chain.map(v -> used);
  }

  /** Projects whose limits differ from the defaults, with their limits (Neutron's {@code GET /v2.0/quotas}). */
  Future<Map<String, Map<QuotaResource, Integer>>> customised() {
    List<String> anySet = new ArrayList<>();
    for (QuotaResource r : QuotaResource.values()) anySet.add(r.key + " IS NOT NULL");
    return pool.query("SELECT * FROM quotas WHERE " + String.join(" OR ", anySet) + " ORDER BY project_id").execute()
        .map(rows -> {
          Map<String, Map<QuotaResource, Integer>> out = new java.util.LinkedHashMap<>();
          for (Row row : rows) out.put(row.getString("project_id"), limits(row));
          return out;
        });
  }

  /** Sets the limits given (the others keep theirs). */
  Future<Map<QuotaResource, Integer>> update(String projectId, Map<QuotaResource, Integer> changes) {
    Future<Void> chain = pool.preparedQuery("INSERT INTO quotas(project_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(projectId)).mapEmpty();
    for (Map.Entry<QuotaResource, Integer> e : changes.entrySet()) {
      chain = chain.compose(v -> pool.preparedQuery("UPDATE quotas SET " + e.getKey().key + " = $2 WHERE project_id"
          + " = $1").execute(Tuple.of(projectId, e.getValue())).mapEmpty());
    }
    return chain.compose(v -> limits(projectId));
  }

  /** Back to the defaults. */
  Future<Void> reset(String projectId) {
    List<String> nulls = new ArrayList<>();
    for (QuotaResource r : QuotaResource.values()) nulls.add(r.key + " = NULL");
    return pool.preparedQuery("UPDATE quotas SET " + String.join(", ", nulls) + " WHERE project_id = $1")
        .execute(Tuple.of(projectId)).mapEmpty();
  }

  private Map<QuotaResource, Integer> limits(Row row) {
    Map<QuotaResource, Integer> out = new EnumMap<>(QuotaResource.class);
    for (QuotaResource r : QuotaResource.values()) {
      Integer set = row == null ? null : row.getInteger(r.key);
      out.put(r, set != null ? set : defaults.get(r));
    }
    return out;
  }

  private static Future<Integer> count(SqlClient client, String projectId, QuotaResource resource) {
    return client.preparedQuery("SELECT count(*) AS n FROM " + resource.table + " WHERE project_id = $1")
        .execute(Tuple.of(projectId)).map(rows -> rows.iterator().next().getLong("n").intValue());
  }
}
