package io.strato.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (the zonky binaries, run under {@code unshare -U} when we are root) with its data in a
 * folder that survives restarts. Used by the all-in-one and the tests.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** {@code port} 0 picks a free port. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir.getParent());
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "on");
      if (port != 0) builder.setPort(port);
      return new EmbeddedPostgresServer(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A URI for the Vert.x PG client ({@code pg.uri}). */
  public String uri() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
