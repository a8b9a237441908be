package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.HostStateReport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Records the agents' host reports ({@code strato.host-state}) in {@code nova.compute_nodes}, so the compute API can
 * show hypervisors and zones without asking the scheduler. Only the newest report of a host wins (an older one never
 * overwrites a newer row). Permanent, dead-lettered: a report that does not parse or validate, or whose values
 * PostgreSQL refuses (a NUL byte in a host name); transient, retried: PostgreSQL down.
 */
final class HostRecorder extends VerticleBase {
  static final String GROUP = "strato-conductor-hosts";
  private final Settings settings;
  private final Pool pool;
  private PollLoop loop;

  HostRecorder(Settings settings, Pool pool) {
    this.settings = settings;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, GROUP));
    // A host report names no instance: a dead-lettered one fails nothing.
    loop = new PollLoop(vertx, consumer, GROUP, settings, this::record).naming(r -> List.of());
    return consumer.subscribe(Topics.HOST_STATE).onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  private Future<Void> record(KafkaConsumerRecord<String, String> r) {
    if (r.value() == null) return Future.succeededFuture(); // a tombstone: the host is gone from the topic
    HostStateReport report = PoisonRecord.parsed(() -> HostStateReport.fromJson(PoisonRecord.json(r.value())));
    return pool.preparedQuery("INSERT INTO compute_nodes(host, availability_zone, hypervisor_type, hypervisor_version,"
            + " enabled, vcpus, vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used, running_vms,"
            + " current_workload, reported_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
            + " ON CONFLICT (host) DO UPDATE SET availability_zone = excluded.availability_zone,"
            + " hypervisor_type = excluded.hypervisor_type, hypervisor_version = excluded.hypervisor_version,"
            + " enabled = excluded.enabled, vcpus = excluded.vcpus, vcpus_used = excluded.vcpus_used,"
            + " memory_mb = excluded.memory_mb, memory_mb_used = excluded.memory_mb_used,"
            + " local_gb = excluded.local_gb, local_gb_used = excluded.local_gb_used,"
            + " running_vms = excluded.running_vms, current_workload = excluded.current_workload,"
            + " reported_at = excluded.reported_at WHERE excluded.reported_at >= compute_nodes.reported_at")
        .execute(row(report)).mapEmpty();
  }

  private static Tuple row(HostStateReport r) {
    return Tuple.tuple().addString(r.host()).addString(r.availabilityZone()).addString(r.hypervisorType())
        .addLong(r.hypervisorVersion()).addBoolean(r.enabled()).addLong(r.vcpus().total())
        .addLong(r.vcpus().used()).addLong(r.memoryMb().total()).addLong(r.memoryMb().used())
        .addLong(r.diskGb().total()).addLong(r.diskGb().used()).addInteger(r.runningInstances())
        .addInteger(r.ioOps()).addOffsetDateTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.timestampMillis()),
            ZoneOffset.UTC));
  }
}
