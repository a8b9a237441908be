package io.strato.scheduler.service;

import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.InstanceUpdate;
import io.strato.scheduler.Placement;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Publishes the outcome of a decision: an {@link Assignment} per placed instance on {@code strato.assignments}, keyed
 * by its host (so each host's orders stay in order and its agent reads only its hosts' partitions), or an
 * {@link InstanceUpdate} that puts every instance of the request in ERROR on {@code strato.instance-updates}.
 *
 * <p>Message ids are derived from the boot request, instance and host, so a redelivered request re-publishes messages
 * with the same ids and content: agents and the conductor key on them and on the instance id. Every returned future
 * completes when Kafka acknowledged every record (acks=all, idempotent producer).
 */
final class AssignmentPublisher {
    /** The instance-action event a scheduling fault ends (Nova's conductor_schedule_and_build_instances). */
    static final String EVENT = TaskState.SCHEDULING.event();
    /** Where the gateway left a new instance: vm_state building, task_state scheduling. */
    static final TaskState EXPECTED_TASK_STATE = TaskState.SCHEDULING;

    private final KafkaProducer<String, String> producer;

    AssignmentPublisher(KafkaProducer<String, String> producer) {
        this.producer = producer;
    }

    Future<Void> assign(BootRequest boot, List<Placement> placements, String requestId) {
        return Future.all(placements.stream().map(p -> assign(boot, p, requestId)).toList()).mapEmpty();
    }

    private Future<Void> assign(BootRequest boot, Placement p, String requestId) {
        Assignment assignment = new Assignment(Assignment.VERSION,
                stableId("assignment", boot.messageId(), p.instanceId(), p.host()), p.instanceId(),
                boot.instanceIds().indexOf(p.instanceId()), p.host(), p.alternates(), boot.attempt(), boot);
        return send(Topics.ASSIGNMENTS, p.host(), assignment.toJson().encode(), requestId);
    }

    /** Every instance of {@code boot} to ERROR with a fault of code 500 and {@code message} (Nova's NoValidHost). */
    Future<Void> fail(BootRequest boot, String message, String requestId) {
        return fail(boot, boot.instanceIds(), message, requestId);
    }

    /** The same for {@code instanceIds} of {@code boot} only. */
    Future<Void> fail(BootRequest boot, List<String> instanceIds, String message, String requestId) {
        return Future.all(instanceIds.stream().map(instanceId -> {
            InstanceUpdate update = InstanceUpdate.error(stableId("schedule-error", boot.messageId(), instanceId, ""),
                    instanceId, EXPECTED_TASK_STATE, null, EVENT, 500, message, message, requestId);
            return send(Topics.INSTANCE_UPDATES, instanceId, update.toJson().encode(), requestId);
        }).toList()).mapEmpty();
    }

    Future<Void> send(String topic, String key, String value, String requestId) {
        KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(topic, key, value);
        if (requestId != null) {
            record.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(requestId)));
        }
        return producer.send(record).mapEmpty();
    }

    private static String stableId(String kind, String messageId, String instanceId, String host) {
        return UUID.nameUUIDFromBytes((kind + "\n" + messageId + "\n" + instanceId + "\n" + host)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
