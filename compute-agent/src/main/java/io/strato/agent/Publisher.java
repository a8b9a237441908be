package io.strato.agent;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.HostStateReport;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.UUID;

/** Everything an agent says: instance updates to the conductor, host state to the scheduler, reschedules. */
public final class Publisher {
  private final KafkaProducer<String, String> producer;

  public Publisher(KafkaProducer<String, String> producer) {
    this.producer = producer;
  }

  /**
   * {@code from -> to} for the conductor, optionally starting or finishing an instance-action event; from {@code host}
   * and its build of scheduling attempt {@code attempt} (0: not known), which fence the update.
   */
  public Future<Void> update(String instanceId, String requestId, String fromVm, String fromTask, String toVm,
      String toTask, String host, int attempt, String event, String result, JsonObject changes, JsonObject fault) {
    InstanceUpdate u = new InstanceUpdate(InstanceUpdate.VERSION, UUID.randomUUID().toString(), instanceId, fromVm,
        fromTask, toVm, toTask, host, attempt, event, result, changes, fault, requestId, System.currentTimeMillis());
    return send(Topics.INSTANCE_UPDATES, instanceId, u.toJson(), requestId);
  }

  public Future<Void> report(HostStateReport report) {
    return send(Topics.HOST_STATE, report.host(), report.toJson(), null);
  }

  /** Sends an instance back to the scheduler, avoiding the hosts already tried. */
  public Future<Void> reschedule(BootRequest request) {
    return send(Topics.BOOT_REQUESTS, request.reservationId(), request.toJson(), request.requestId());
  }

  private Future<Void> send(String topic, String key, JsonObject value, String requestId) {
    KafkaProducerRecord<String, String> r = KafkaProducerRecord.create(topic, key, value.encode());
    if (requestId != null) r.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(requestId)));
    return producer.send(r).mapEmpty();
  }
}
