package io.strato.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward-only schema migrations: classpath scripts {@code db/<schema>/V1.sql}, {@code V2.sql}, ... applied in order
 * in one transaction, recorded in {@code <schema>.schema_version}. An advisory lock makes concurrent
 * starts of the same service (several replicas) apply each script exactly once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private final Vertx vertx;
  private final Pool pool;
  private final String schema;

  public Migrations(Vertx vertx, Pool pool, String schema) {
    if (!schema.matches("[a-z_]+")) throw new IllegalArgumentException("bad schema name " + schema);
    this.vertx = vertx;
    this.pool = pool;
    this.schema = schema;
  }

  public Future<Void> run() {
    return vertx.executeBlocking(this::readScripts).compose(scripts -> pool.withTransaction(conn ->
        conn.query("SELECT pg_advisory_xact_lock(hashtext('strato.migrations." + schema + "'))").execute()
            .compose(r -> createSchemaIfMissing(conn))
            .compose(r -> conn.query("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version (version int PRIMARY KEY,"
                + " applied_at timestamptz NOT NULL DEFAULT now())").execute())
            .compose(r -> conn.query("SELECT coalesce(max(version), 0) FROM " + schema + ".schema_version").execute())
            .compose(rows -> apply(conn, scripts, rows.iterator().next().getInteger(0)))));
  }

  /**
   * Creates the schema only when it does not exist: PostgreSQL checks CREATE on the database even for
   * {@code CREATE SCHEMA IF NOT EXISTS}, and in production each service's role owns its schema, made beforehand,
   * and has no right to create others.
   */
  private Future<Void> createSchemaIfMissing(SqlConnection conn) {
    return conn.preparedQuery("SELECT 1 FROM pg_namespace WHERE nspname = $1").execute(Tuple.of(schema))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture()
            : conn.query("CREATE SCHEMA IF NOT EXISTS " + schema).execute().mapEmpty());
  }

  private Future<Void> apply(SqlConnection conn, List<String> scripts, int current) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = current; i < scripts.size(); i++) {
      int version = i + 1;
      String sql = scripts.get(i);
      chain = chain.compose(v -> conn.query("SET LOCAL search_path TO " + schema).execute())
          .compose(v -> conn.query(sql).execute())
          .compose(v -> conn.preparedQuery("INSERT INTO " + schema + ".schema_version(version) VALUES ($1)")
              .execute(Tuple.of(version)))
          .map(v -> {
            LOG.info("schema {} migrated to version {}", schema, version);
            return null;
          });
    }
    return chain;
  }

  private List<String> readScripts() {
    List<String> scripts = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream("db/" + schema + "/V" + v + ".sql")) {
        if (in == null) return scripts;
        scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
