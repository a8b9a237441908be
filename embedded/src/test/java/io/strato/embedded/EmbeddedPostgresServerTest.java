package io.strato.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {
  private static final String PASSWORD = "Pg-test-password-7";

  @Test
  @DisplayName("the all-in-one's PostgreSQL keeps synchronous_commit on and refuses a connection without the "
      + "password or with a wrong one")
  void passwordRequiredAndCommitsDurable(@TempDir Path dir) throws Exception {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), 0, PASSWORD)) {
      try (Connection c = connect(pg.port(), PASSWORD); ResultSet r = c.createStatement()
          .executeQuery("SHOW synchronous_commit")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("on");
      }
      assertThatThrownBy(() -> connect(pg.port(), null)).isInstanceOf(SQLException.class)
          .hasMessageContaining("password");
      assertThatThrownBy(() -> connect(pg.port(), "not-" + PASSWORD)).isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
    }
  }

  @Test
  @DisplayName("a data folder made with trust authentication (an older all-in-one) needs the password after its "
      + "next start, and keeps its data")
  void trustFolderSwitchedToPasswords(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .start(); Connection c = old.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before')");
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data, 0, PASSWORD)) {
      assertThatThrownBy(() -> connect(pg.port(), null)).isInstanceOf(SQLException.class)
          .hasMessageContaining("password");
      try (Connection c = connect(pg.port(), PASSWORD); ResultSet r = c.createStatement()
          .executeQuery("SELECT note FROM kept")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("before");
      }
    }
  }

  private static Connection connect(int port, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", EmbeddedPostgresServer.USER);
    if (password != null) p.setProperty("password", password);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }
}
