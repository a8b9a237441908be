package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.FaultyDependency;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The volume service's calls to the image service have timeouts and bounded retries: a from-image volume whose image
 * service answers 500 is refused with 503 naming it (after {@code http.client.attempts}), and one whose download
 * never comes goes to {@code error} within seconds instead of staying {@code creating}.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageServiceFaultTest {
  private static TestIdentity identity;
  private static FaultyDependency images;
  private static int port;
  private static String deployment;

  @BeforeAll
  static void start() throws Exception {
    VolumeCloud.get();
    identity = TestIdentity.get();
    images = FaultyDependency.start(identity.vertx, FaultyDependency.Mode.FAIL, 0);
    port = Ports.free();
    var settings = identity.settings.with(Map.of("volume.port", String.valueOf(port), "volume.format", "raw",
        "volume.store.dir", Files.createTempDirectory("faulty-volumes").toString(), "image.url", images.url(),
        "http.client.timeout.ms", "1000", "http.client.backoff.ms", "100"));
    deployment = TestIdentity.await(identity.vertx.deployVerticle(new VolumeService(VolumeConfig.from(settings))));
    identity.awaitReady(port);
  }

  @AfterAll
  static void stop() {
    TestIdentity.await(identity.vertx.undeploy(deployment));
    images.close();
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> createFrom(TestIdentity.Member m,
      String imageId) {
    return identity.call(HttpMethod.POST, port, "/v3/" + m.projectId() + "/volumes", m.token(), new JsonObject()
        .put("volume", new JsonObject().put("size", 1).put("imageRef", imageId)), Map.of());
  }

  @Test
  @DisplayName("an image service answering 500: the image is asked for again, then the create answers 503 naming it")
  void imageServiceFails() {
    images.mode(FaultyDependency.Mode.FAIL);
    var member = identity.newProject("volimg500");
    String imageId = UUID.randomUUID().toString();
    var resp = createFrom(member, imageId);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(503);
    assertThat(resp.bodyAsString()).contains("image service answered 500");
    assertThat(images.count("GET", "/v2/images/" + imageId)).as(images.requests().toString())
        .isEqualTo(identity.settings.getInt("http.client.attempts"));
  }

  @Test
  @DisplayName("an image whose download never comes: the volume goes to error within seconds, not creating for minutes")
  void downloadHangs() throws Exception {
    var member = identity.newProject("volimghang");
    String imageId = UUID.randomUUID().toString();
    images.answer("GET", "/v2/images/" + imageId, new JsonObject().put("id", imageId).put("name", "stalls")
        .put("status", "active").put("disk_format", "raw").put("container_format", "bare").put("size", 4096)
        .put("min_disk", 0).encode());
    images.mode(FaultyDependency.Mode.HANG);
    var resp = createFrom(member, imageId);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("volume").getString("id");
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      JsonObject v = identity.call(HttpMethod.GET, port, "/v3/" + member.projectId() + "/volumes/" + id,
          member.token(), null, Map.of()).bodyAsJsonObject().getJsonObject("volume");
      if ("error".equals(v.getString("status"))) break;
      assertThat(System.currentTimeMillis()).as("volume still %s", v.getString("status")).isLessThan(deadline);
      Thread.sleep(100); // back-off between checks
    }
    assertThat(images.count("GET", "/v2/images/" + imageId + "/file"))
        .isEqualTo(identity.settings.getInt("http.client.attempts"));
  }
}
