package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A large simulated fleet reads every host's orders from the one assignments topic: no topic per host. */
@ExtendWith(SharedInfrastructure.class)
class FleetTopicsTest {
  private static final int FLEET = 1000;

  @Test
  @DisplayName("an agent of 1,000 simulated hosts starts and serves without creating a topic per host")
  void thousandHostsCreateNoPerHostTopics() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    Settings agent = cloud.settings.with(Map.of("agent.host", "thousand-" + UUID.randomUUID().toString()
            .substring(0, 6), "agent.fleet.size", String.valueOf(FLEET), "agent.state.dir",
        Files.createTempDirectory("agent-thousand").toString(), "agent.port", String.valueOf(Ports.free())));
    long started = System.nanoTime();
    String deployment = cloud.identity.vertx.deployVerticle(new AgentService(AgentConfig.from(agent)))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    try {
      System.out.printf("fleet agent of %d hosts started in %d ms%n", FLEET,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      cloud.identity.awaitReady(agent.getInt("agent.port"));
      try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaSettings.admin(agent)))) {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(topics).as("topics on the broker").contains(Topics.ASSIGNMENTS)
            .noneMatch(t -> t.startsWith(Topics.ASSIGNMENTS + "."));
      }
    } finally {
      cloud.identity.vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
  }
}
