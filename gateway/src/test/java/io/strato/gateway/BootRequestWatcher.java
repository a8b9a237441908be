package io.strato.gateway;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Reads {@code strato.boot-requests} from the beginning in its own consumer group, for tests to wait on. */
final class BootRequestWatcher {
  private final ConcurrentLinkedQueue<BootRequest> seen = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> requestIds = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();

  BootRequestWatcher(Vertx vertx, Settings settings) {
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "watcher-" + System.nanoTime()));
    consumer.handler(r -> {
      records.add(r.value());
      seen.add(BootRequest.fromJson(new JsonObject(r.value())));
      r.headers().stream().filter(h -> h.key().equals(Topics.REQUEST_ID_HEADER))
          .forEach(h -> requestIds.add(h.value().toString()));
    });
    TestCloud.await(consumer.subscribe(Topics.BOOT_REQUESTS));
  }

  /** Waits up to 20 s for the boot request carrying this instance. */
  BootRequest awaitFor(String instanceId) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      Optional<BootRequest> found = seen.stream().filter(b -> b.instanceIds().contains(instanceId)).findFirst();
      if (found.isPresent()) return found.get();
      Thread.onSpinWait();
    }
    throw new AssertionError("no boot request for " + instanceId + " within 20 s");
  }

  /** The record as it was written on the topic, for tests that check what it must not carry. */
  String rawFor(String instanceId) {
    awaitFor(instanceId);
    return records.stream().filter(r -> r.contains(instanceId)).findFirst().orElseThrow();
  }

  boolean sawRequestId(String requestId) {
    return requestIds.contains(requestId);
  }

  List<BootRequest> all() {
    return List.copyOf(seen);
  }
}
