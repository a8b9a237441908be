package io.strato.volume.quotas;

import io.strato.common.http.ApiException;
import io.strato.volume.VolumeConfig.QuotaDefaults;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Volume, snapshot and gigabyte quotas (a snapshot's size counts against {@code gigabytes} as a volume's does, as in
 * Cinder), exact under concurrency (the gateway's technique): usage counters live in
 * {@code project_usage} and change in the same transaction as the volumes they count, with the project's row locked
 * ({@code FOR UPDATE}) while a create or extend decides whether it fits. Parallel creates of one project queue on that
 * row and never overshoot; different projects do not wait for each other.
 */
public final class Quotas {
  /** Limits of one project; -1 is unlimited. */
  public record Limits(int volumes, int snapshots, int gigabytes) {}

  /** What one project uses. */
  public record Usage(int volumes, int snapshots, long gigabytes) {}

  private final Pool pool;
  private final QuotaDefaults defaults;

  public Quotas(Pool pool, QuotaDefaults defaults) {
    this.pool = pool;
    this.defaults = defaults;
  }

  public Limits defaults() {
    return new Limits(defaults.volumes(), defaults.snapshots(), defaults.gigabytes());
  }

  public Future<Limits> limitsFor(String projectId) {
    return limitsFor(pool, projectId);
  }

  private Future<Limits> limitsFor(SqlClient client, String projectId) {
    return client.preparedQuery("SELECT volumes, snapshots, gigabytes FROM project_quotas WHERE project_id = $1")
        .execute(Tuple.of(projectId)).map(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          return new Limits(pick(r, "volumes", defaults.volumes()), pick(r, "snapshots", defaults.snapshots()),
              pick(r, "gigabytes", defaults.gigabytes()));
        });
  }

  public Future<Usage> usage(String projectId) {
    return pool.preparedQuery("SELECT volumes, snapshots, gigabytes FROM project_usage WHERE project_id = $1")
        .execute(Tuple.of(projectId))
        .map(rows -> rows.size() == 0 ? new Usage(0, 0, 0) : usage(rows.iterator().next()));
  }

  /**
   * Inside the caller's transaction: counts {@code volumes} more volumes and {@code gigabytes} more gigabytes
   * against the project, or fails with Cinder's 413 when they do not fit (nothing is counted then).
   */
  public Future<Void> reserve(SqlConnection tx, String projectId, int volumes, long gigabytes) {
    return reserve(tx, projectId, volumes, 0, gigabytes);
  }

  /** {@link #reserve} counting {@code snapshots} more snapshots too. */
  public Future<Void> reserve(SqlConnection tx, String projectId, int volumes, int snapshots, long gigabytes) {
    return tx.preparedQuery("INSERT INTO project_usage(project_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(projectId))
        .compose(r -> tx.preparedQuery("SELECT volumes, snapshots, gigabytes FROM project_usage WHERE project_id = $1"
                + " FOR UPDATE")
            .execute(Tuple.of(projectId)))
        .map(rows -> usage(rows.iterator().next()))
        .compose(used -> limitsFor(tx, projectId).map(limits -> {
          check(used, limits, volumes, snapshots, gigabytes);
          return null;
        }))
        .compose(v -> tx.preparedQuery("UPDATE project_usage SET volumes = volumes + $2, snapshots = snapshots + $3,"
            + " gigabytes = gigabytes + $4 WHERE project_id = $1")
            .execute(Tuple.of(projectId, volumes, snapshots, gigabytes)))
        .mapEmpty();
  }

  /** Inside the caller's transaction: gives back what deleted volumes (or a failed extend) counted. */
  public Future<Void> release(SqlConnection tx, String projectId, int volumes, long gigabytes) {
    return release(tx, projectId, volumes, 0, gigabytes);
  }

  /** {@link #release} giving back {@code snapshots} snapshots too. */
  public Future<Void> release(SqlConnection tx, String projectId, int volumes, int snapshots, long gigabytes) {
    return tx.preparedQuery("UPDATE project_usage SET volumes = greatest(volumes - $2, 0),"
            + " snapshots = greatest(snapshots - $3, 0), gigabytes = greatest(gigabytes - $4, 0) WHERE project_id = $1")
        .execute(Tuple.of(projectId, volumes, snapshots, gigabytes)).mapEmpty();
  }

  /** Cinder's over-quota faults (413 overLimit). */
  static void check(Usage used, Limits limits, int volumes, int snapshots, long gigabytes) {
    if (volumes > 0 && limits.volumes() >= 0 && used.volumes() + volumes > limits.volumes()) {
      throw new ApiException(413, "VolumeLimitExceeded: Maximum number of volumes allowed (" + limits.volumes()
          + ") exceeded for quota 'volumes'.");
    }
    if (snapshots > 0 && limits.snapshots() >= 0 && used.snapshots() + snapshots > limits.snapshots()) {
      throw new ApiException(413, "SnapshotLimitExceeded: Maximum number of snapshots allowed ("
          + limits.snapshots() + ") exceeded");
    }
    if (gigabytes > 0 && limits.gigabytes() >= 0 && used.gigabytes() + gigabytes > limits.gigabytes()) {
      throw new ApiException(413, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed"
          + " gigabytes quota. Requested " + gigabytes + "G, quota is " + limits.gigabytes() + "G and "
          + used.gigabytes() + "G has been consumed.");
    }
  }

  /** Sets a project's limits; a null keeps the current one. */
  public Future<Limits> update(String projectId, Integer volumes, Integer snapshots, Integer gigabytes) {
    return pool.preparedQuery("INSERT INTO project_quotas(project_id, volumes, snapshots, gigabytes)"
            + " VALUES ($1,$2,$3,$4) ON CONFLICT (project_id) DO UPDATE SET"
            + " volumes = coalesce($2, project_quotas.volumes), snapshots = coalesce($3, project_quotas.snapshots),"
            + " gigabytes = coalesce($4, project_quotas.gigabytes)")
        .execute(Tuple.of(projectId, volumes, snapshots, gigabytes))
        .compose(r -> limitsFor(projectId));
  }

  /** Back to the defaults. */
  public Future<Void> reset(String projectId) {
    return pool.preparedQuery("DELETE FROM project_quotas WHERE project_id = $1").execute(Tuple.of(projectId))
        .mapEmpty();
  }

  private static Usage usage(Row r) {
    return new Usage(r.getInteger("volumes"), r.getInteger("snapshots"), r.getLong("gigabytes"));
  }

  private static int pick(Row r, String column, int fallback) {
    if (r == null) return fallback;
    Integer v = r.getInteger(column);
    return v == null ? fallback : v;
  }
}
