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

/** Everything an agent says: instance updates to the conductor, host state to the scheduler, reschedules. */
public final class Publisher {
  private final KafkaProducer<String, String> producer;

  public Publisher(KafkaProducer<String, String> producer) {
    this.producer = producer;
  }

  /** An instance update for the conductor, keyed by instance id (its updates stay in order). */
  public Future<Void> send(InstanceUpdate u) {
    return send(Topics.INSTANCE_UPDATES, u.instanceId(), u.toJson(), u.requestId());
  }

  public Future<Void> report(HostStateReport report) {
    return send(Topics.HOST_STATE, report.host(), report.toJson(), null);
  }

  /** Sends an instance back to the scheduler, avoiding the hosts already tried. */
  public Future<Void> reschedule(BootRequest request) {
    return send(Topics.BOOT_REQUESTS, request.reservationId(), request.toJson(), request.requestId());
  }

  /** An order for {@code host}'s agent (the next step of an operation), on its partition of the assignments. */
  public Future<Void> order(String host, JsonObject order, String requestId) {
    return send(Topics.ASSIGNMENTS, host, order, requestId);
  }

  private Future<Void> send(String topic, String key, JsonObject value, String requestId) {
    KafkaProducerRecord<String, String> r = KafkaProducerRecord.create(topic, key, value.encode());
    if (requestId != null) r.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(requestId)));
    return producer.send(r).mapEmpty();
  }
}
