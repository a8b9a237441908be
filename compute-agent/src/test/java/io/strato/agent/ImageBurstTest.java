package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.agent.clients.ImageClient;
import io.strato.agent.clients.ServiceSession;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A boot storm makes one image look-up per build in flight, far more calls at once than the agent keeps connections
 * to the image service; the calls beyond them wait their turn in the client. Waiting behind the agent's own calls is
 * not the image service failing: every call is answered (issue 12's boot storm ended 189 builds in ERROR with "the
 * image service did not answer GET image" while it answered every call it was sent, because the wait for a pooled
 * connection counted against the 2 s connect timeout). A short connect timeout, as on a LAN, makes that wait longer
 * than the connect timeout on any machine.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageBurstTest {
  private static final int CALLS = 2_000;

  @Test
  @DisplayName("a burst of image look-ups many times the connection pool: every one answered, none failed as a timeout")
  void burstLargerThanThePool() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    String image = cloud.image("burst", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("burst");
    ServiceSession session = new ServiceSession(identity.vertx,
        cloud.settings.with(Map.of("http.client.connect.timeout.ms", "200")));
    ImageClient images = new ImageClient(identity.vertx, session);
    TestIdentity.await(session.token());

    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(images.image(member.projectId(), image).onFailure(e -> failures.merge(e.getMessage(), 1, Integer::sum)));
    }
    TestIdentity.await(Future.join(calls).otherwiseEmpty()); // every call ended; the failures are counted above
    assertThat(failures).as("calls that failed, by reason").isEmpty();
    assertThat(calls).allSatisfy(c -> assertThat(c.result().getString("id")).isEqualTo(image));
  }
}
