package io.strato.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Password (scram-sha-256) authentication for the embedded PostgreSQL: the files initdb needs for a new data folder,
 * and the switch-over of a folder an older Strato made with trust authentication.
 */
final class PasswordAuthentication {
  static final String METHOD = "scram-sha-256";
  /** Every local connection, socket or loopback, needs the password; nothing else may connect. */
  private static final String HBA = "# Written by Strato: every connection needs the password (" + METHOD + ").\n"
      + "local all all " + METHOD + "\n"
      + "host all all 127.0.0.1/32 " + METHOD + "\n"
      + "host all all ::1/128 " + METHOD + "\n";

  private PasswordAuthentication() {}

  /** The password in a file only its owner can read, for initdb's {@code --pwfile}; the caller deletes it. */
  static Path passwordFile(Path dir, String password) throws IOException {
    Path file = Files.createTempFile(dir, "pg-password", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, password + "\n");
    return file;
  }

  /**
   * On a running server whose {@code pg_hba.conf} still trusts some connection: sets the superuser's password and
   * replaces {@code pg_hba.conf} atomically. Returns whether it did, in which case the server must be restarted to
   * apply it. A server already on passwords is left as it is.
   */
  static boolean switchOver(EmbeddedPostgres postgres, Path dataDir, String password) {
    Path hba = dataDir.resolve("pg_hba.conf");
    try {
      if (onlyPasswords(Files.readAllLines(hba))) return false;
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("SET password_encryption = '" + METHOD + "'");
        s.execute("ALTER ROLE " + EmbeddedPostgresServer.USER + " PASSWORD '" + password.replace("'", "''") + "'");
      }
      Path next = Files.createTempFile(dataDir, "pg_hba", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(next, HBA);
      Files.move(next, hba, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("could not switch PostgreSQL to password authentication", e);
    }
  }

  private static boolean onlyPasswords(List<String> hbaLines) {
    return hbaLines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .allMatch(l -> l.endsWith(" " + METHOD) || l.endsWith("\t" + METHOD));
  }
}
