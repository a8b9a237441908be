package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

  @Test
  @DisplayName("a first run makes .strato 0700 and its secrets file 0600, with every password and no stray file")
  void firstRunIsPrivate(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("work").resolve(".strato");
    Secrets secrets = Secrets.loadOrCreate(data);
    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(data.resolve(Secrets.FILE))).isEqualTo("rw-------");
    try (var files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(Secrets.FILE);
    }
    assertThat(secrets.postgresPassword()).hasSize(20);
    assertThat(secrets.adminPassword()).hasSize(20).isNotEqualTo(secrets.postgresPassword());
  }

  @Test
  @DisplayName("a readable .strato and secrets file of an older run are taken down to 0700/0600 and keep their "
      + "passwords")
  void olderRunTightened(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectory(dir.resolve(".strato"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path file = data.resolve(Secrets.FILE);
    Files.writeString(file, "admin.password=old-admin\ndemo.password=old-demo\nservice.password=old-service\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Secrets secrets = Secrets.loadOrCreate(data);
    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(secrets.adminPassword()).isEqualTo("old-admin");
    Properties kept = new Properties();
    try (var r = Files.newBufferedReader(file)) {
      kept.load(r);
    }
    assertThat(kept.getProperty("demo.password")).isEqualTo("old-demo");
    assertThat(kept.getProperty("postgres.password")).isEqualTo(secrets.postgresPassword()).hasSize(20);
  }

  @Test
  @DisplayName("clouds.yaml and the openrc files replace older readable ones as 0600")
  void privateFileReplacesReadableOne(@TempDir Path dir) throws Exception {
    Path clouds = dir.resolve("clouds.yaml");
    Files.writeString(clouds, "old");
    Files.setPosixFilePermissions(clouds, PosixFilePermissions.fromString("rw-r--r--"));
    PrivateFiles.write(clouds, "clouds: {}\n");
    assertThat(Files.readString(clouds)).isEqualTo("clouds: {}\n");
    assertThat(mode(clouds)).isEqualTo("rw-------");
  }

  @Test
  @DisplayName("the welcome banner shows a PostgreSQL URI without a password written in it")
  void bannerHidesUriPassword() {
    assertThat(AllInOne.withoutPassword("postgresql://strato:s3cret@db:5432/strato"))
        .isEqualTo("postgresql://strato@db:5432/strato");
    assertThat(AllInOne.withoutPassword("postgresql://postgres@127.0.0.1:5433/postgres"))
        .isEqualTo("postgresql://postgres@127.0.0.1:5433/postgres");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
