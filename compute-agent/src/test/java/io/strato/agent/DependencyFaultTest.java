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
 * A service the agent depends on that accepts a call and never answers, or answers 500: the build does not wait for
 * ever; idempotent calls are tried {@code http.client.attempts} times with a back-off, then the build ends in ERROR
 * with a fault naming the service that failed.
 */
@ExtendWith(SharedInfrastructure.class)
class DependencyFaultTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "faulty-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-faults"), Map.of("http.client.timeout.ms", "1000",
        "http.client.attempts", "2", "http.client.backoff.ms", "100"));
    imageId = cloud.image("faulty-img", "raw", new byte[4096], new JsonObject());
  }

  /** Boots through the API with the image service up, then puts {@code mode}'s stand-in in its place. */
  private static JsonObject buildAgainst(FaultyDependency.Mode mode, AtomicReference<FaultyDependency> stand) {
    var member = identity.newProject("faulty");
    try {
      var s = cloud.acceptThenAssign(host, "faulty", imageId, imageId, new JsonObject()
          .put("networks", new JsonArray().add("none")), member, () -> {
            cloud.stopImageService();
            stand.set(FaultyDependency.start(identity.vertx, mode, cloud.imagePort));
          });
      return cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000);
    } finally {
      if (stand.get() != null) stand.get().close();
      cloud.startImageService();
    }
  }

  @Test
  @DisplayName("an image service that never answers: the build ends in ERROR naming the image service, not BUILD for ever")
  void imageServiceHangs() {
    AtomicReference<FaultyDependency> stand = new AtomicReference<>();
    JsonObject server = buildAgainst(FaultyDependency.Mode.HANG, stand);
    assertThat(server.getString("status")).as(server.encode()).isEqualTo("ERROR");
    assertThat(server.getJsonObject("fault").getString("message")).contains("while spawning")
        .contains("the image service did not answer");
    assertThat(stand.get().count("GET", "/v2/images/" + imageId)).as(stand.get().requests().toString())
        .isEqualTo(2);
  }

  @Test
  @DisplayName("an image service that answers 500: asked again after a back-off, then ERROR naming the image service")
  void imageServiceFails() {
    AtomicReference<FaultyDependency> stand = new AtomicReference<>();
    JsonObject server = buildAgainst(FaultyDependency.Mode.FAIL, stand);
    assertThat(server.getString("status")).as(server.encode()).isEqualTo("ERROR");
    assertThat(server.getJsonObject("fault").getString("message")).contains("while spawning")
        .contains("the image service failed").contains("HTTP 500");
    assertThat(stand.get().count("GET", "/v2/images/" + imageId)).as(stand.get().requests().toString())
        .isEqualTo(2);
  }
}
