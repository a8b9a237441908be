package io.strato.gateway.keypairs;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Key pairs belong to a user (not a project), as in Nova; names are unique per user. */
public final class Keypairs {
  private static final String COLUMNS = "id, user_id, name, type, public_key, fingerprint, created_at";
  private final Pool pool;

  public Keypairs(Pool pool) {
    this.pool = pool;
  }

  /** Inserts unless the user has {@code limit} key pairs already (-1: unlimited); one statement, so exact. */
  public Future<JsonObject> create(String userId, String name, String type, String publicKey, String fingerprint,
      int limit) {
    return pool.preparedQuery("INSERT INTO keypairs(user_id, name, type, public_key, fingerprint)"
            + " SELECT $1, $2, $3, $4, $5 WHERE $6 < 0 OR (SELECT count(*) FROM keypairs WHERE user_id = $1) < $6"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.of(userId, name, type, publicKey, fingerprint, limit))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("Key pair '" + name + "' already exists.") : e))
        .map(rows -> {
          if (rows.size() == 0) throw new ApiException(403, "Quota exceeded, too many key pairs.");
          return json(rows.iterator().next());
        });
  }

  public Future<JsonObject> get(String userId, String name) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM keypairs WHERE user_id = $1 AND name = $2")
        .execute(Tuple.of(userId, name)).map(rows -> {
          if (rows.size() == 0) throw ApiException.notFound("Keypair " + name + " not found for user " + userId);
          return json(rows.iterator().next());
        });
  }

  public Future<List<JsonObject>> list(String userId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM keypairs WHERE user_id = $1 ORDER BY name")
        .execute(Tuple.of(userId)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  public Future<Long> count(String userId) {
    return pool.preparedQuery("SELECT count(*) FROM keypairs WHERE user_id = $1").execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Void> delete(String userId, String name) {
    return pool.preparedQuery("DELETE FROM keypairs WHERE user_id = $1 AND name = $2").execute(Tuple.of(userId, name))
        .map(rows -> {
          if (rows.rowCount() == 0) throw ApiException.notFound("Keypair " + name + " not found for user " + userId);
          return null;
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("user_id", r.getString("user_id"))
        .put("name", r.getString("name")).put("type", r.getString("type"))
        .put("public_key", r.getString("public_key")).put("fingerprint", r.getString("fingerprint"))
        .put("created_at", r.getOffsetDateTime("created_at").format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
  }
}
