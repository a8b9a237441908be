package io.strato.scheduler.service;

import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.InstanceUpdate;
import io.strato.scheduler.Placement;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Publishes the outcome of a decision: an {@link Assignment} per placed instance on its host's own topic
 * {@code strato.assignments.<host>} (so an agent reads only its own traffic), or an {@link InstanceUpdate} that puts
 * every instance of the request in ERROR on {@code strato.instance-updates}.
 *
 * <p>Per-host topics are created on first use (the broker does not auto-create them) and remembered. Message ids are
 * derived from the boot request, instance and host, so a redelivered request re-publishes messages with the same
 * ids and content: agents and the conductor key on them and on the instance id. Every returned future completes when Kafka
 * acknowledged every record (acks=all, idempotent producer).
 */
final class AssignmentPublisher {
    /** The instance-action event a scheduling fault ends (Nova's conductor_schedule_and_build_instances). */
    static final String EVENT = TaskState.SCHEDULING.event();
    /** Where the gateway left a new instance: vm_state building, task_state scheduling. */
    static final TaskState EXPECTED_TASK_STATE = TaskState.SCHEDULING;

    private final KafkaProducer<String, String> producer;
    private final KafkaAdminClient admin;
    private final int partitions;
    private final short replication;
    private final int maxMessageBytes;
    private final Map<String, Future<String>> topics = new ConcurrentHashMap<>();

    /** {@code maxMessageBytes}: the per-host topics accept records as large as Strato's other topics. */
    AssignmentPublisher(KafkaProducer<String, String> producer, KafkaAdminClient admin, int partitions, short replication,
            int maxMessageBytes) {
        this.producer = producer;
        this.admin = admin;
        this.partitions = partitions;
        this.replication = replication;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Remembers the per-host topics that already exist, so a restart does not ask for each again. */
    Future<Void> loadExistingTopics() {
        return admin.listTopics().onSuccess(names -> names.stream()
                .filter(n -> n.startsWith(Topics.ASSIGNMENTS + "."))
                .forEach(n -> topics.put(n, Future.succeededFuture(n)))).mapEmpty();
    }

    Future<Void> assign(BootRequest boot, List<Placement> placements, String requestId) {
        return Future.all(placements.stream().map(p -> assign(boot, p, requestId)).toList()).mapEmpty();
    }

    private Future<Void> assign(BootRequest boot, Placement p, String requestId) {
        Assignment assignment = new Assignment(Assignment.VERSION,
                stableId("assignment", boot.messageId(), p.instanceId(), p.host()), p.instanceId(),
                boot.instanceIds().indexOf(p.instanceId()), p.host(), p.alternates(), boot.attempt(), boot);
        return topicFor(p.host()).compose(topic -> send(topic, p.instanceId(), assignment.toJson().encode(), requestId));
    }

    /** Every instance of {@code boot} to ERROR with a fault of code 500 and {@code message} (Nova's NoValidHost). */
    Future<Void> fail(BootRequest boot, String message, String requestId) {
        return Future.all(boot.instanceIds().stream().map(instanceId -> {
            InstanceUpdate update = InstanceUpdate.error(stableId("schedule-error", boot.messageId(), instanceId, ""),
                    instanceId, EXPECTED_TASK_STATE, null, EVENT, 500, message, message, requestId);
            return send(Topics.INSTANCE_UPDATES, instanceId, update.toJson().encode(), requestId);
        }).toList()).mapEmpty();
    }

    private Future<String> topicFor(String host) {
        String topic = Topics.assignmentsFor(host);
        Future<String> known = topics.computeIfAbsent(topic, this::create);
        // A failed creation is not remembered: the redelivered request tries again.
        return known.onFailure(e -> topics.remove(topic, known));
    }

    private Future<String> create(String topic) {
        NewTopic spec = new NewTopic(topic, partitions, replication);
        spec.setConfig(replication > 1
                ? Map.of("min.insync.replicas", "2", "max.message.bytes", String.valueOf(maxMessageBytes))
                : Map.of("max.message.bytes", String.valueOf(maxMessageBytes)));
        return admin.createTopics(List.of(spec))
                .recover(e -> e instanceof TopicExistsException || e.getCause() instanceof TopicExistsException
                        ? Future.succeededFuture() : Future.failedFuture(e))
                .map(v -> topic);
    }

    private Future<Void> send(String topic, String key, String value, String requestId) {
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
