package io.strato.image;

import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Glance's per-project unified limits {@code image_count_total} (images a project owns) and {@code image_size_total}
 * (MiB of its active images). The count is exact under concurrency: a create takes a transaction-scoped advisory lock
 * on its project before counting, so parallel creates of one project queue and never overshoot. The size is checked
 * when an upload starts, as Glance does (an upload that starts under the limit may end over it). Over either answers
 * Glance's 413. -1 is unlimited.
 */
final class ImageQuotas {
  private final int countTotal;
  private final long sizeTotalMb;

  ImageQuotas(Settings s) {
    this.countTotal = s.getInt("image.quota.image.count.total");
    this.sizeTotalMb = s.getLong("image.quota.image.size.total");
  }

  /** Inside the caller's transaction: locks the project's creates, then fails with 413 when one more is too many. */
  Future<Void> reserveImage(SqlConnection tx, String projectId) {
    if (countTotal < 0) return Future.succeededFuture();
    return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('glance.quota.' || $1, 0))")
        .execute(Tuple.of(projectId))
        .compose(r -> tx.preparedQuery("SELECT count(*) AS n FROM images WHERE owner = $1").execute(Tuple.of(projectId)))
        .map(rows -> {
          long used = rows.iterator().next().getLong("n");
          if (used + 1 > countTotal) throw overLimit(projectId, "image_count_total", countTotal, used, 1);
          return null;
        });
  }

  /** Fails with 413 when the project's active images already take its whole {@code image_size_total}. */
  Future<Void> checkStorage(SqlClient client, String projectId) {
    if (sizeTotalMb < 0) return Future.succeededFuture();
    return client.preparedQuery("SELECT coalesce(sum(size), 0)::bigint AS bytes FROM images WHERE owner = $1"
            + " AND status = 'active'").execute(Tuple.of(projectId))
        .map(rows -> {
          long usedMb = (rows.iterator().next().getLong("bytes") + (1 << 20) - 1) >> 20;
          if (usedMb >= sizeTotalMb) throw overLimit(projectId, "image_size_total", sizeTotalMb, usedMb, 0);
          return null;
        });
  }

  /** Glance's wording (oslo.limit's ProjectOverLimit), answered as 413. */
  private static ApiException overLimit(String projectId, String resource, long limit, long usage, long delta) {
    return new ApiException(413, "Project " + projectId + " is over a limit for [Resource " + resource
        + " is over limit of " + limit + " due to current usage " + usage + " and delta " + delta + "]");
  }
}
