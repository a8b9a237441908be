package io.strato.gateway.flavors;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flavors in the {@code nova} schema. Reads by id (every create makes one) are served from a cache that every change
 * made through this object clears at once; a change made by another compute API process is seen after at most
 * {@code compute.cache.ttl.ms}.
 */
public final class Flavors {
  private static final String COLUMNS =
      "id, name, vcpus, ram, disk, ephemeral, swap, rxtx_factor, is_public, disabled, extra_specs";
  private final Pool pool;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  /** Bumped by every change: a read that overlapped one is not cached (it may have read the old row). */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  private record Cached(Flavor flavor, long expiresAt) {}

  public Flavors(Pool pool) {
    this(pool, 0);
  }

  /** {@code ttlMillis} 0: no cache. */
  public Flavors(Pool pool, long ttlMillis) {
    this.pool = pool;
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  public Future<Flavor> get(String id) {
    Cached c = cache.get(id);
    if (c != null && c.expiresAt() - System.nanoTime() > 0) return Future.succeededFuture(c.flavor());
    long seen = generation.get();
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM flavors WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Flavor " + id + " could not be found.");
          Flavor f = flavor(rows.iterator().next());
          if (ttlNanos > 0 && generation.get() == seen) cache.put(id, new Cached(f, System.nanoTime() + ttlNanos));
          return f;
        });
  }

  /** Forgets a flavor before and after it changes, so no read that raced the change stays cached. */
  private <T> Future<T> changing(String id, Future<T> change) {
    generation.incrementAndGet();
    cache.remove(id);
    return change.onComplete(ar -> {
      generation.incrementAndGet();
      cache.remove(id);
    });
  }

  /** Flavors sorted like Nova (by flavorid), filtered by minimums and visibility. */
  public Future<List<Flavor>> list(int minRam, int minDisk, Boolean isPublic) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM flavors WHERE ram >= $1 AND disk >= $2"
            + " AND ($3::boolean IS NULL OR is_public = $3) ORDER BY id")
        .execute(Tuple.of(minRam, minDisk, isPublic)).map(rows -> {
          List<Flavor> out = new ArrayList<>();
          rows.forEach(r -> out.add(flavor(r)));
          return out;
        });
  }

  public Future<Flavor> create(Flavor f) {
    return changing(f.id(), pool.preparedQuery("INSERT INTO flavors(" + COLUMNS + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.tuple().addString(f.id()).addString(f.name()).addInteger(f.vcpus()).addInteger(f.ramMb())
            .addInteger(f.diskGb()).addInteger(f.ephemeralGb()).addInteger(f.swapMb())
            .addFloat((float) f.rxtxFactor()).addBoolean(f.isPublic()).addBoolean(f.disabled())
            .addValue(new JsonObject(Map.copyOf(f.extraSpecs()))))
        .map(rows -> flavor(rows.iterator().next()))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("Flavor with name " + f.name() + " or ID " + f.id() + " already exists.")
            : e)));
  }

  public Future<Void> delete(String id) {
    return changing(id, pool.preparedQuery("DELETE FROM flavors WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) throw ApiException.notFound("Flavor " + id + " could not be found.");
      return null;
    }));
  }

  public Future<Flavor> setExtraSpecs(String id, Map<String, String> specs) {
    return changing(id, pool.preparedQuery("UPDATE flavors SET extra_specs = extra_specs || $2 WHERE id = $1"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.of(id, new JsonObject(Map.copyOf(specs)))).map(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Flavor " + id + " could not be found.");
          return flavor(rows.iterator().next());
        }));
  }

  public Future<Void> deleteExtraSpec(String id, String key) {
    return changing(id, pool.preparedQuery("UPDATE flavors SET extra_specs = extra_specs - $2 WHERE id = $1"
            + " AND extra_specs ? $2")
        .execute(Tuple.of(id, key)).map(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.notFound("Flavor " + id + " has no extra specs with key " + key + ".");
          }
          return null;
        }));
  }

  private static Flavor flavor(Row r) {
    Map<String, String> specs = new HashMap<>();
    JsonObject j = r.getJsonObject("extra_specs");
    if (j != null) j.forEach(e -> specs.put(e.getKey(), String.valueOf(e.getValue())));
    return new Flavor(r.getString("id"), r.getString("name"), r.getInteger("vcpus"), r.getInteger("ram"),
        r.getInteger("disk"), r.getInteger("ephemeral"), r.getInteger("swap"), r.getFloat("rxtx_factor"),
        r.getBoolean("is_public"), r.getBoolean("disabled"), specs);
  }
}
