package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.HostStateReport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the agents' host reports ({@code strato.host-state}) in {@code nova.compute_nodes}, so the compute API can
 * show hypervisors and zones without asking the scheduler. Only the newest report of a host wins (a batch keeps the
 * last report per host, and an older one never overwrites a newer row).
 */
final class HostRecorder extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HostRecorder.class);
  private final Settings settings;
  private final Pool pool;
  private PollLoop<String, String> loop;

  HostRecorder(Settings settings, Pool pool) {
    this.settings = settings;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "strato-conductor-hosts"));
    loop = new PollLoop<>(vertx, consumer, "host recorder", this::record);
    return consumer.subscribe(Topics.HOST_STATE).onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  private Future<Void> record(List<KafkaConsumerRecord<String, String>> batch) {
    Map<String, HostStateReport> newest = new LinkedHashMap<>();
    for (KafkaConsumerRecord<String, String> r : batch) {
      if (r.value() == null) continue; // a tombstone: the host is gone from the topic
      try {
        HostStateReport report = HostStateReport.fromJson(new JsonObject(r.value()));
        newest.merge(report.host(), report, (a, b) -> b.timestampMillis() >= a.timestampMillis() ? b : a);
      } catch (RuntimeException e) {
        LOG.warn("skipping a host report that does not parse at offset {}: {}", r.offset(), e.getMessage());
      }
    }
    if (newest.isEmpty()) return Future.succeededFuture();
    List<Tuple> rows = newest.values().stream().map(HostRecorder::row).toList();
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
        .executeBatch(rows).mapEmpty();
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
