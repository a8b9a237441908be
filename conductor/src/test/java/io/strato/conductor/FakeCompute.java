package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.ServerAction;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the scheduler and one compute agent, as they talk to the conductor: takes the boot requests of the
 * projects it serves and builds each instance to ACTIVE (or to ERROR when its name starts with {@code fail}) through
 * {@code strato.instance-updates}, and carries out deletes sent to its host. Remembers what it sent, so a test can
 * redeliver it.
 */
final class FakeCompute {
  final String host = "fake-" + UUID.randomUUID().toString().substring(0, 8);
  private final Set<String> projects = ConcurrentHashMap.newKeySet();
  private final Map<String, List<InstanceUpdate>> sent = new ConcurrentHashMap<>();
  private final KafkaProducer<String, String> producer;

  FakeCompute(Vertx vertx, Settings settings) {
    producer = KafkaProducer.create(vertx, KafkaSettings.producer(settings, "fake-compute"));
    TestIdentity.await(TopicCreator.ensure(vertx, settings));
    KafkaConsumer<String, String> boots =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "fake-compute-" + UUID.randomUUID()));
    boots.handler(r -> build(BootRequest.fromJson(new JsonObject(r.value()))));
    TestIdentity.await(boots.subscribe(Topics.BOOT_REQUESTS));
    KafkaConsumer<String, String> orders =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "fake-compute-" + UUID.randomUUID()));
    // Every host's orders share the topic, keyed by host: this host acts on its own only.
    orders.handler(r -> {
      if (host.equals(r.key())) act(ServerAction.fromJson(new JsonObject(r.value())));
    });
    TestIdentity.await(orders.subscribe(Topics.ASSIGNMENTS));
  }

  /** Builds the instances of this project from now on. */
  void serve(String projectId) {
    projects.add(projectId);
  }

  /** Sends every update it sent for this instance again, as a redelivery would. */
  void redeliver(String instanceId) {
    sent.getOrDefault(instanceId, List.of()).forEach(this::send);
  }

  private void build(BootRequest b) {
    if (!projects.contains(b.projectId())) return;
    for (int i = 0; i < b.instanceIds().size(); i++) {
      String id = b.instanceIds().get(i);
      String name = b.build().getJsonArray("names").getString(i);
      if (name.startsWith("fail")) {
        record(InstanceUpdate.error(UUID.randomUUID().toString(), id, TaskState.SCHEDULING, host, "spawning", 500,
            "Build of instance " + id + " aborted: the disk is on fire", "", b.requestId()));
      } else {
        record(update(id, "building", "scheduling", "building", "spawning", "schedule", null, b.requestId()));
        record(update(id, "building", "spawning", "active", null, "spawning", new JsonObject().put("power_state", 1),
            b.requestId()));
      }
    }
  }

  private void act(ServerAction order) {
    if (order.action().equals("delete")) {
      record(update(order.instanceId(), null, "deleting", "deleted", null, null, null, order.requestId()));
    }
  }

  private InstanceUpdate update(String id, String fromVm, String fromTask, String toVm, String toTask, String event,
      JsonObject changes, String requestId) {
    return new InstanceUpdate(InstanceUpdate.VERSION, UUID.randomUUID().toString(), id, VmState.of(fromVm),
        TaskState.of(fromTask), VmState.of(toVm), TaskState.of(toTask), host, 0, event,
        event == null ? null : "Success", changes, null, requestId, System.currentTimeMillis());
  }

  private void record(InstanceUpdate u) {
    sent.computeIfAbsent(u.instanceId(), k -> new CopyOnWriteArrayList<>()).add(u);
    send(u);
  }

  private void send(InstanceUpdate u) {
    producer.send(KafkaProducerRecord.create(Topics.INSTANCE_UPDATES, u.instanceId(), u.toJson().encode()));
  }
}
