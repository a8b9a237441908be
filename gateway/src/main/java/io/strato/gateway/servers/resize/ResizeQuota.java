package io.strato.gateway.servers.resize;

import io.strato.common.http.ApiException;
import io.strato.gateway.quotas.Limits;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The quota of a resize, exact: the new flavor's cores and RAM are counted when the resize is asked for (refused with
 * Nova's 403 when they do not fit); the old flavor's are given back at confirm, the new one's at revert
 * ({@link io.strato.gateway.quotas.Quotas#release}), or by the conductor when the resize ends without it.
 */
final class ResizeQuota {
  private ResizeQuota() {}

  static Future<Void> take(SqlClient tx, String projectId, Limits limits, int cores, int ram) {
    return tx.preparedQuery("UPDATE project_usage SET cores = cores + $2, ram = ram + $3 WHERE project_id = $1"
            + " AND ($4::int < 0 OR cores + $2 <= $4) AND ($5::int < 0 OR ram + $3 <= $5)"
            + " RETURNING cores - $2 AS cores, ram - $3 AS ram")
        .execute(Tuple.of(projectId, cores, ram, limits.cores(), limits.ram())).compose(rows -> {
          if (rows.size() == 1) return Future.succeededFuture();
          return tx.preparedQuery("SELECT cores, ram FROM project_usage WHERE project_id = $1")
              .execute(Tuple.of(projectId)).map(used -> {
                int usedCores = used.size() == 0 ? 0 : used.iterator().next().getInteger("cores");
                int usedRam = used.size() == 0 ? 0 : used.iterator().next().getInteger("ram");
                boolean coresShort = limits.cores() >= 0 && usedCores + cores > limits.cores();
                String resource = coresShort ? "cores" : "ram";
                throw new ApiException(403, "Quota exceeded for " + resource + ": Requested "
                    + (coresShort ? cores : ram) + ", but already used " + (coresShort ? usedCores : usedRam) + " of "
                    + (coresShort ? limits.cores() : limits.ram()) + " " + resource);
              });
        });
  }
}
