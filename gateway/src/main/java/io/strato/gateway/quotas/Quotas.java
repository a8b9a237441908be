package io.strato.gateway.quotas;

import io.strato.common.http.ApiException;
import io.strato.gateway.GatewayConfig.QuotaDefaults;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Instance, core and RAM quotas, exact under concurrency: usage counters live in {@code project_usage} and change
 * in the same transaction as the instances they count. A create plans its count without a lock, writes its rows,
 * and adds its usage last with a conditional UPDATE that refuses to pass a limit; a create that lost the race rolls
 * back and plans again. Quotas never overshoot, and a project's row is locked only for the end of each create.
 */
public final class Quotas {
  private final Pool pool;
  private final QuotaDefaults defaults;

  public Quotas(Pool pool, QuotaDefaults defaults) {
    this.pool = pool;
    this.defaults = defaults;
  }

  public Future<Limits> limitsFor(String projectId) {
    return limitsFor(pool, projectId);
  }

  Future<Limits> limitsFor(SqlClient client, String projectId) {
    return client.preparedQuery("SELECT instances, cores, ram, key_pairs, server_groups, server_group_members"
        + " FROM project_quotas WHERE project_id = $1").execute(Tuple.of(projectId)).map(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          return new Limits(pick(r, "instances", defaults.instances()), pick(r, "cores", defaults.cores()),
              pick(r, "ram", defaults.ram()), pick(r, "key_pairs", defaults.keyPairs()),
              pick(r, "server_groups", defaults.serverGroups()),
              pick(r, "server_group_members", defaults.serverGroupMembers()));
        });
  }

  public Limits defaults() {
    return new Limits(defaults.instances(), defaults.cores(), defaults.ram(), defaults.keyPairs(),
        defaults.serverGroups(), defaults.serverGroupMembers());
  }

  public Future<Usage> usage(String projectId) {
    return pool.preparedQuery("SELECT instances, cores, ram FROM project_usage WHERE project_id = $1")
        .execute(Tuple.of(projectId)).map(rows -> rows.size() == 0 ? new Usage(0, 0, 0) : usage(rows.iterator().next()));
  }

  /**
   * Inside the caller's transaction, first step: how many instances between {@code min} and {@code max} fit now
   * (Nova's multi-create rule), read without locking; 403 with Nova's message when not even {@code min} fit.
   * The count is only a plan until {@link #commit} makes it true.
   */
  public Future<Integer> plan(SqlConnection tx, String projectId, int min, int max, int vcpus, int ram) {
    return tx.preparedQuery("INSERT INTO project_usage(project_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(projectId))
        .compose(r -> tx.preparedQuery("SELECT instances, cores, ram FROM project_usage WHERE project_id = $1")
            .execute(Tuple.of(projectId)))
        .map(rows -> usage(rows.iterator().next()))
        .compose(used -> limitsFor(tx, projectId).map(limits -> fit(used, limits, min, max, vcpus, ram)));
  }

  /**
   * Inside the caller's transaction, last step before commit: adds the planned usage if it still fits, in one
   * conditional UPDATE. The project's row is therefore locked only from here to the commit, not for the whole
   * create, so parallel creates of one project do not queue behind each other's inserts. Fails with
   * {@link QuotaRace} when others took the room meanwhile: the caller rolls back and plans again.
   */
  public Future<Void> commit(SqlConnection tx, String projectId, int count, int vcpus, int ram) {
    return limitsFor(tx, projectId).compose(l -> tx.preparedQuery("UPDATE project_usage SET"
            + " instances = instances + $2, cores = cores + $3, ram = ram + $4 WHERE project_id = $1"
            + " AND ($5 < 0 OR instances + $2 <= $5) AND ($6 < 0 OR cores + $3 <= $6) AND ($7 < 0 OR ram + $4 <= $7)")
        .execute(Tuple.tuple().addString(projectId).addInteger(count).addInteger(count * vcpus)
            .addInteger(count * ram).addInteger(l.instances()).addInteger(l.cores()).addInteger(l.ram())))
        .map(rows -> {
          if (rows.rowCount() != 1) throw new QuotaRace();
          return null;
        });
  }

  /** Another create of the project took the room this one planned with; plan again. */
  public static final class QuotaRace extends RuntimeException {
    QuotaRace() {
      super("quota taken meanwhile", null, false, false);
    }
  }

  /** Inside the caller's transaction: gives back what deleted instances used. */
  public Future<Void> release(SqlConnection tx, String projectId, int count, int vcpus, int ram) {
    return tx.preparedQuery("UPDATE project_usage SET instances = greatest(instances - $2, 0),"
            + " cores = greatest(cores - $3, 0), ram = greatest(ram - $4, 0) WHERE project_id = $1")
        .execute(Tuple.of(projectId, count, vcpus, ram)).mapEmpty();
  }

  static int fit(Usage used, Limits limits, int min, int max, int vcpus, int ram) {
    int count = max;
    count = Math.min(count, room(limits.instances(), used.instances(), 1));
    count = Math.min(count, room(limits.cores(), used.cores(), vcpus));
    count = Math.min(count, room(limits.ram(), used.ram(), ram));
    if (count >= min) return count;
    String resource;
    int limit;
    int inUse;
    int requested;
    if (room(limits.instances(), used.instances(), 1) < min) {
      resource = "instances";
      limit = limits.instances();
      inUse = used.instances();
      requested = min;
    } else if (room(limits.cores(), used.cores(), vcpus) < min) {
      resource = "cores";
      limit = limits.cores();
      inUse = used.cores();
      requested = min * vcpus;
    } else {
      resource = "ram";
      limit = limits.ram();
      inUse = used.ram();
      requested = min * ram;
    }
    throw new ApiException(403, "Quota exceeded for " + resource + ": Requested " + requested + ", but already used "
        + inUse + " of " + limit + " " + resource);
  }

  private static int room(int limit, int used, int each) {
    if (limit < 0 || each == 0) return Integer.MAX_VALUE;
    return Math.max(0, (limit - used) / each);
  }

  public Future<Limits> update(String projectId, JsonObject changes) {
    return pool.preparedQuery("INSERT INTO project_quotas(project_id, instances, cores, ram, key_pairs, server_groups,"
            + " server_group_members) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (project_id) DO UPDATE SET"
            + " instances = coalesce($2, project_quotas.instances), cores = coalesce($3, project_quotas.cores),"
            + " ram = coalesce($4, project_quotas.ram), key_pairs = coalesce($5, project_quotas.key_pairs),"
            + " server_groups = coalesce($6, project_quotas.server_groups),"
            + " server_group_members = coalesce($7, project_quotas.server_group_members)")
        .execute(Tuple.of(projectId, changes.getInteger("instances"), changes.getInteger("cores"),
            changes.getInteger("ram"), changes.getInteger("key_pairs"), changes.getInteger("server_groups"),
            changes.getInteger("server_group_members")))
        .compose(r -> limitsFor(projectId));
  }

  public Future<Void> reset(String projectId) {
    return pool.preparedQuery("DELETE FROM project_quotas WHERE project_id = $1").execute(Tuple.of(projectId))
        .mapEmpty();
  }

  private static Usage usage(Row r) {
    return new Usage(r.getInteger("instances"), r.getInteger("cores"), r.getInteger("ram"));
  }

  private static int pick(Row r, String column, int fallback) {
    if (r == null) return fallback;
    Integer v = r.getInteger(column);
    return v == null ? fallback : v;
  }
}
