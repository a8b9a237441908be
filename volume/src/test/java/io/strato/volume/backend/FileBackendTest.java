package io.strato.volume.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FileBackendTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("with qemu-img, a blank qcow2 volume has the asked virtual size and grows on extend")
  void qcow2Volumes() throws Exception {
    assumeTrue(QemuImg.available(), "qemu-img is not on the PATH");
    Path dir = Files.createTempDirectory("strato-qcow2");
    FileBackend backend = await(FileBackend.open(vertx, dir, "auto"));
    assertThat(backend.blankFormat()).isEqualTo("qcow2");
    String id = UUID.randomUUID().toString();
    await(backend.createBlank(id, "qcow2", 1));
    assertThat(virtualSize(backend.pathOf(id))).isEqualTo(FileBackend.GIB);
    assertThat(Files.size(backend.pathOf(id))).as("a qcow2 file starts small").isLessThan(FileBackend.GIB / 100);
    await(backend.grow(id, "qcow2", 2));
    assertThat(virtualSize(backend.pathOf(id))).isEqualTo(2 * FileBackend.GIB);
    await(backend.delete(id));
    assertThat(backend.pathOf(id)).doesNotExist();
    await(backend.delete(id));
  }

  @Test
  @DisplayName("raw volumes are sparse files of the asked size, grown on extend; connection info names the file")
  void rawVolumes() throws Exception {
    Path dir = Files.createTempDirectory("strato-raw");
    FileBackend backend = await(FileBackend.open(vertx, dir, "raw"));
    String id = UUID.randomUUID().toString();
    await(backend.createBlank(id, "raw", 1));
    assertThat(Files.size(backend.pathOf(id))).isEqualTo(FileBackend.GIB);
    await(backend.grow(id, "raw", 3));
    assertThat(Files.size(backend.pathOf(id))).isEqualTo(3 * FileBackend.GIB);
    JsonObject info = backend.connectionInfo(id, "raw", "rw");
    assertThat(info.getString("driver_volume_type")).isEqualTo("file");
    assertThat(info.getJsonObject("data").getString("device_path")).isEqualTo(backend.pathOf(id).toString());
  }

  private static long virtualSize(Path file) throws Exception {
    Process p = new ProcessBuilder("qemu-img", "info", "--output=json", file.toString()).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new JsonObject(out).getLong("virtual-size");
  }
}
