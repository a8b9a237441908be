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
 * in the same transaction as the instances they count. A create transaction (one or several creates) reads usage and
 * limits without a lock ({@link #rooms}), plans each create against them in memory, writes its rows, and adds its
 * usage last with a conditional upsert that refuses to pass a limit ({@link #add}); a transaction that lost the race
 * rolls back and plans again. Quotas never overshoot, and a project's row is locked only for the end of each create.
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
   * A project's usage and limits as one create transaction read them (without a lock); the creates planned in that
   * transaction take from it in memory, in order, and {@link #add} makes their total true, or finds it taken meanwhile.
   */
  public static final class Room {
    private final String projectId;
    private final Usage read;
    private final Limits limits;
    private int instances;
    private int cores;
    private int ram;

    Room(String projectId, Usage read, Limits limits) {
      this.projectId = projectId;
      this.read = read;
      this.limits = limits;
    }

    public Limits limits() {
      return limits;
    }

    /**
     * How many instances between {@code min} and {@code max} still fit (Nova's multi-create rule), counted as taken;
     * 403 with Nova's message when not even {@code min} fit.
     */
    public int take(int min, int max, int vcpus, int ramMb) {
      int count = fit(new Usage(read.instances() + instances, read.cores() + cores, read.ram() + ram), limits, min, max,
          vcpus, ramMb);
      instances += count;
      cores += count * vcpus;
      ram += count * ramMb;
      return count;
    }
  }

  /**
   * Inside the caller's transaction, first step: the usage and limits of each project, in one statement and without
   * locking anything. What the creates take from them is only a plan until {@link #add} makes it true.
   */
  public Future<java.util.Map<String, Room>> rooms(SqlConnection tx, java.util.Collection<String> projectIds) {
    return tx.preparedQuery("SELECT p.id, u.instances, u.cores, u.ram, q.instances AS li, q.cores AS lc, q.ram AS lr,"
            + " q.key_pairs AS lk, q.server_groups AS lg, q.server_group_members AS lm FROM unnest($1::text[]) AS p(id)"
            + " LEFT JOIN project_usage u ON u.project_id = p.id LEFT JOIN project_quotas q ON q.project_id = p.id")
        .execute(Tuple.of(projectIds.toArray(String[]::new))).map(rows -> {
          java.util.Map<String, Room> rooms = new java.util.HashMap<>();
          for (Row r : rows) {
            Usage used = new Usage(orZero(r.getInteger("instances")), orZero(r.getInteger("cores")),
                orZero(r.getInteger("ram")));
            Limits limits = new Limits(pick(r, "li", defaults.instances()), pick(r, "lc", defaults.cores()),
                pick(r, "lr", defaults.ram()), pick(r, "lk", defaults.keyPairs()), pick(r, "lg", defaults.serverGroups()),
                pick(r, "lm", defaults.serverGroupMembers()));
            rooms.put(r.getString("id"), new Room(r.getString("id"), used, limits));
          }
          return rooms;
        });
  }

  /**
   * Inside the caller's transaction, last step before commit: adds what the creates took from {@code room} to the
   * project's usage if it still fits the limits, in one conditional upsert. The project's row is locked only from here
   * to the commit. Fails with {@link QuotaRace} when another transaction took the room meanwhile: the caller rolls
   * back and plans again.
   */
  public Future<Void> add(SqlConnection tx, Room room) {
    if (room.instances == 0 && room.cores == 0 && room.ram == 0) return Future.succeededFuture();
    Limits l = room.limits;
    return tx.preparedQuery("INSERT INTO project_usage AS u (project_id, instances, cores, ram) SELECT $1::text, $2::int,"
            + " $3::int, $4::int WHERE ($5::int < 0 OR $2 <= $5) AND ($6::int < 0 OR $3 <= $6) AND ($7::int < 0 OR $4 <= $7)"
            + " ON CONFLICT (project_id) DO UPDATE SET instances = u.instances + EXCLUDED.instances,"
            + " cores = u.cores + EXCLUDED.cores, ram = u.ram + EXCLUDED.ram"
            + " WHERE ($5 < 0 OR u.instances + EXCLUDED.instances <= $5) AND ($6 < 0 OR u.cores + EXCLUDED.cores <= $6)"
            + " AND ($7 < 0 OR u.ram + EXCLUDED.ram <= $7)")
        .execute(Tuple.tuple().addString(room.projectId).addInteger(room.instances).addInteger(room.cores)
            .addInteger(room.ram).addInteger(l.instances()).addInteger(l.cores()).addInteger(l.ram()))
        .map(rows -> {
          if (rows.rowCount() != 1) throw new QuotaRace();
          return null;
        });
  }

  private static int orZero(Integer v) {
    return v == null ? 0 : v;
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
