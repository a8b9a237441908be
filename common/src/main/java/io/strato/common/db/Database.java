package io.strato.common.db;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/**
 * A service's connection pool to its own schema ({@code keystone}, {@code nova}, ...), created after its
 * migrations have run. Every connection's {@code search_path} is the schema, so SQL names tables unqualified.
 */
public final class Database {
  private Database() {}

  public static PgConnectOptions connectOptions(Settings settings, String schema) {
    PgConnectOptions options = PgConnectOptions.fromUri(settings.get("pg.uri"));
    String password = settings.get("pg.password");
    if (!password.isBlank()) options.setPassword(password);
    return options.setProperties(Map.of("search_path", schema, "application_name", "strato-" + schema,
            "client_min_messages", "warning"))
        .setPipeliningLimit(256)
        .setCachePreparedStatements(true);
  }

  /** Runs the schema's migrations, then opens the pool. */
  public static Future<Pool> open(Vertx vertx, Settings settings, String schema) {
    Pool pool = pool(vertx, settings, schema, settings.getInt("pg.pool.size"));
    return new Migrations(vertx, pool, schema).run().map(v -> pool)
        .onFailure(e -> pool.close());
  }

  /**
   * A pool on an already migrated schema. Made inside a verticle, its connections live on that verticle's event loop
   * (and close with it), so verticle instances that each have one do their database I/O side by side.
   */
  public static Pool pool(Vertx vertx, Settings settings, String schema, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("strato-" + schema))
        .connectingTo(connectOptions(settings, schema))
        .using(vertx)
        .build();
  }
}
