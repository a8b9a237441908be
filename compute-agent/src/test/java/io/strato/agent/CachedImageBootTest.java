package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.FaultyDependency;
import io.strato.testkit.TestIdentity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's image cache comes before the image service: once a project has booted an image on a host, its next
 * boot of that image there asks the image service nothing (a storm of boots of one image costs no image-service call
 * per boot), and a project that was never shown the image still is asked about.
 */
@ExtendWith(SharedInfrastructure.class)
class CachedImageBootTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static String imageId;
  private static final JsonObject NO_NETWORK = new JsonObject().put("networks", new JsonArray().add("none"));

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "cached-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-cached"), Map.of("http.client.timeout.ms", "1000",
        "http.client.attempts", "2", "http.client.backoff.ms", "100"));
    imageId = cloud.image("cached-img", "raw", new byte[8192], new JsonObject());
  }

  /**
   * Accepts a boot of the image for {@code member} with the image service up, then puts a stand-in that answers
   * every call 500 (and counts them) in its place while the agent builds it.
   */
  private static JsonObject bootWithImageServiceDown(TestIdentity.Member member, AtomicReference<FaultyDependency> stand) {
    try {
      var s = cloud.acceptThenAssign(host, "cached", imageId, imageId, NO_NETWORK, member, () -> {
        cloud.stopImageService();
        stand.set(FaultyDependency.start(identity.vertx, FaultyDependency.Mode.FAIL, cloud.imagePort));
      });
      return cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000);
    } finally {
      if (stand.get() != null) stand.get().close();
      cloud.startImageService();
    }
  }

  @Test
  @DisplayName("a second boot of the same image on the same host makes no call to the image service and is ACTIVE")
  void secondBootAsksNothing() {
    var member = identity.newProject("cached");
    var first = cloud.boot(host, "first", "1", imageId, imageId, Map.of("disk_format", "raw"), 1, NO_NETWORK, member);
    assertThat(cloud.await(first, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000)
        .getString("status")).isEqualTo("ACTIVE");

    AtomicReference<FaultyDependency> stand = new AtomicReference<>();
    JsonObject second = bootWithImageServiceDown(member, stand);
    assertThat(stand.get().requests()).as("calls to the image service during the second build").isEmpty();
    assertThat(second.getString("status")).as(second.encode()).isEqualTo("ACTIVE");
  }

  @Test
  @DisplayName("another project's first boot of a cached image still asks the image service what that project may see")
  void anotherProjectIsAskedAbout() {
    var owner = identity.newProject("cached");
    var s = cloud.boot(host, "owner", "1", imageId, imageId, Map.of("disk_format", "raw"), 1, NO_NETWORK, owner);
    assertThat(cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000)
        .getString("status")).isEqualTo("ACTIVE");

    AtomicReference<FaultyDependency> stand = new AtomicReference<>();
    JsonObject other = bootWithImageServiceDown(identity.newProject("cached-other"), stand);
    assertThat(stand.get().count("GET", "/v2/images/" + imageId)).as(stand.get().requests().toString())
        .isGreaterThan(0);
    assertThat(other.getString("status")).isEqualTo("ERROR");
  }
}
