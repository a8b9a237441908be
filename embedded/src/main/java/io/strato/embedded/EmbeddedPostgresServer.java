package io.strato.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (the zonky binaries, run under {@code unshare -U} when we are root) with its data in a
 * folder that survives restarts. Used by the all-in-one and the tests.
 *
 * <p>Every connection needs the password (scram-sha-256), over TCP and the Unix socket alike; a data folder made
 * by an older Strato with trust authentication is switched over on its next start ({@link PasswordAuthentication}).
 * {@code synchronous_commit} stays on (zonky turns it off by default): a commit the server acknowledged, such as a
 * boot answered 202, survives a crash.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  /** The superuser the services connect as; its password is the one given to {@link #start}. */
  public static final String USER = "postgres";
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** {@code port} 0 picks a free port; {@code password} becomes the superuser's password on a new data folder. */
  public static EmbeddedPostgresServer start(Path dataDir, int port, String password) {
    if (password == null || password.isBlank()) throw new IllegalArgumentException("PostgreSQL needs a password");
    Path passwordFile = null;
    try {
      Files.createDirectories(dataDir.getParent());
      boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf"));
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("password_encryption", "scram-sha-256")
          .setConnectConfig("password", password);
      if (fresh) {
        // initdb takes the last --auth, so this replaces zonky's "-A trust": no moment without a password.
        passwordFile = PasswordAuthentication.passwordFile(dataDir.getParent(), password);
        builder.setLocaleConfig("auth", PasswordAuthentication.METHOD)
            .setLocaleConfig("pwfile", passwordFile.toString());
      }
      if (port != 0) builder.setPort(port);
      EmbeddedPostgres postgres = builder.start();
      if (!fresh && PasswordAuthentication.switchOver(postgres, dataDir, password)) {
        // Started again rather than reloaded, so that once start returns no connection is ever trusted.
        postgres.close();
        postgres = builder.start();
      }
      return new EmbeddedPostgresServer(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (passwordFile != null) passwordFile.toFile().delete();
    }
  }

  /** A URI for the Vert.x PG client ({@code pg.uri}); the password goes apart, in {@code pg.password}. */
  public String uri() {
    return "postgresql://" + USER + "@127.0.0.1:" + postgres.getPort() + "/postgres";
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
