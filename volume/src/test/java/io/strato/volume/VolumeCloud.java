package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Identity, the image service and the volume service (raw files in a temporary folder), started once per test JVM
 * on the shared Kafka and PostgreSQL, with helpers to act as a user of the Cinder API.
 */
final class VolumeCloud {
  /** The microversion Nova uses for the attachment flow. */
  static final String ATTACH_VERSION = "volume 3.44";
  private static VolumeCloud instance;

  final TestIdentity identity = TestIdentity.get();
  /** The ports the identity catalog lists for these services. */
  final int volumePort = identity.settings.getInt("volume.port");
  final int imagePort = identity.settings.getInt("image.port");
  final Path volumeDir;
  /** Where the image service keeps image data (a test may plant data there as an older image service stored it). */
  final Path imageDir;
  final Settings settings;

  private VolumeCloud() {
    try {
      volumeDir = Files.createTempDirectory("strato-volumes");
      imageDir = Files.createTempDirectory("strato-images");
      settings = identity.settings.with(Map.of(
          "volume.store.dir", volumeDir.toString(),
          "volume.format", "raw",
          "image.store.dir", imageDir.toString()));
      TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
      TestIdentity.await(identity.vertx.deployVerticle(new VolumeService(VolumeConfig.from(settings))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    identity.awaitReady(imagePort);
    identity.awaitReady(volumePort);
  }

  static synchronized VolumeCloud get() {
    if (instance == null) instance = new VolumeCloud();
    return instance;
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, volumePort, path, token, body, Map.of());
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body, String microversion) {
    Map<String, String> headers = new HashMap<>();
    if (microversion != null) headers.put("OpenStack-API-Version", microversion);
    return identity.call(method, volumePort, path, token, body, headers);
  }

  /** Creates a volume through the API (202, {@code creating}) and answers its id. */
  String create(TestIdentity.Member m, JsonObject fields) {
    var resp = call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes", m.token(),
        new JsonObject().put("volume", fields));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    JsonObject volume = resp.bodyAsJsonObject().getJsonObject("volume");
    assertThat(volume.getString("status")).isEqualTo("creating");
    return volume.getString("id");
  }

  JsonObject show(TestIdentity.Member m, String id) {
    var resp = call(HttpMethod.GET, "/v3/" + m.projectId() + "/volumes/" + id, m.token(), null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("volume");
  }

  /** Polls the volume until it shows {@code status}, failing after a deadline (or when it lands in another end). */
  JsonObject awaitStatus(TestIdentity.Member m, String id, String status) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonObject volume = show(m, id);
      if (volume.getString("status").equals(status)) return volume;
      assertThat(volume.getString("status")).as("volume %s went to error", id).doesNotStartWith("error");
      assertThat(System.currentTimeMillis()).as("volume %s never became %s: %s", id, status, volume)
          .isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  /** Polls until the volume is gone (404). */
  void awaitGone(TestIdentity.Member m, String id) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (call(HttpMethod.GET, "/v3/" + m.projectId() + "/volumes/" + id, m.token(), null).statusCode() != 404) {
      assertThat(System.currentTimeMillis()).as("volume %s never went away", id).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  Path fileOf(String id) {
    return volumeDir.resolve("volume-" + id);
  }

  /** An active image made through the image API by {@code m}, holding {@code data}. */
  String image(TestIdentity.Member m, byte[] data, String diskFormat) {
    var created = identity.call(HttpMethod.POST, imagePort, "/v2/images", m.token(), new JsonObject()
        .put("name", "vol-src").put("disk_format", diskFormat).put("container_format", "bare")
        .put("hw_disk_bus", "virtio").put("min_disk", 1), Map.of());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    var upload = identity.call(HttpMethod.PUT, imagePort, "/v2/images/" + id + "/file", m.token(),
        Buffer.buffer(data), Map.of("Content-Type", "application/octet-stream"));
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(204);
    return id;
  }
}
