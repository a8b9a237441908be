package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A host's state reports after its builds are coalesced: one per window, carrying the state at its end. */
@ExtendWith(SharedInfrastructure.class)
class ReportCoalescingTest {
  private static final long WINDOW_MS = 3_000;
  private static final int SERVERS = 4;

  @Test
  @DisplayName("four builds that start and end within one report window reach the scheduler as at most three host"
      + " reports (one at start-up), the last naming all four instances")
  void buildsInOneWindowMakeOneReport() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "coalesce-" + UUID.randomUUID().toString().substring(0, 6);
    long from = System.currentTimeMillis();
    var settings = cloud.startAgent(host, Files.createTempDirectory("agent-coalesce"), Map.of(
        "agent.report.coalesce.ms", String.valueOf(WINDOW_MS), "agent.report.interval.seconds", "600"));
    String image = cloud.image("coalesce-img", "raw", new byte[8192], new JsonObject());
    long buildsFrom = System.currentTimeMillis();
    List<AgentTestCloud.Server> servers = new ArrayList<>();
    for (int i = 0; i < SERVERS; i++) {
      servers.add(cloud.boot(host, "coalesce-" + i, "1", image, image, Map.of("disk_format", "raw"), 1));
    }
    for (AgentTestCloud.Server s : servers) {
      cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    }
    long builtIn = System.currentTimeMillis() - buildsFrom;
    List<JsonObject> reports = reportsOf(settings, host, from, System.currentTimeMillis() + WINDOW_MS + 5_000);

    // The start-up report, then one per window the builds' changes fell in.
    long windows = builtIn / WINDOW_MS + 1;
    assertThat(reports).as("reports of " + host + " while " + SERVERS + " builds ran for " + builtIn + " ms")
        .isNotEmpty().hasSizeLessThanOrEqualTo((int) windows + 2);
    assertThat(reports.get(reports.size() - 1).getJsonArray("instance_ids").getList()).as("the last report's instances")
        .containsExactlyInAnyOrderElementsOf(servers.stream().map(AgentTestCloud.Server::id).toList());
  }

  /** The reports keyed by {@code host} written since {@code fromMillis}, read until {@code untilMillis}. */
  private static List<JsonObject> reportsOf(io.strato.common.config.Settings settings, String host, long fromMillis,
      long untilMillis) {
    Map<String, Object> props = new HashMap<>(KafkaSettings.consumer(settings, "coalesce-" + UUID.randomUUID()));
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    props.put("enable.auto.commit", "false");
    List<JsonObject> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.HOST_STATE).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> at = new HashMap<>();
      parts.forEach(p -> at.put(p, fromMillis));
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
      for (TopicPartition p : parts) {
        OffsetAndTimestamp o = offsets.get(p);
        if (o == null) consumer.seekToEnd(List.of(p));
        else consumer.seek(p, o.offset());
      }
      while (System.currentTimeMillis() < untilMillis) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (host.equals(r.key()) && r.value() != null) found.add(new JsonObject(r.value()));
        }
      }
    }
    return found;
  }
}
