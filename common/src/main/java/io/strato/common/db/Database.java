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
    PgConnectOptions connect = connectOptions(settings, schema);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.getInt("pg.pool.size")).setName("strato-" + schema))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new Migrations(vertx, pool, schema).run().map(v -> pool)
        .onFailure(e -> pool.close());
  }
}
