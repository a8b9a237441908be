package io.strato.common.kafka;

import java.util.List;

/** Every Kafka topic Strato uses, with how it is created (DESIGN.md, "Kafka"). */
public final class Topics {
  /** gateway -> scheduler, keyed by reservation id. */
  public static final String BOOT_REQUESTS = "strato.boot-requests";
  /**
   * scheduler, compute API and conductor -> agents: every host's orders (assignments, server actions, abort-build),
   * keyed by host name so each host's orders stay in order; {@code kafka.assignments.partitions} partitions, and each
   * agent reads only the partitions of its hosts ({@link HostPartitions}). Orders carry no secret, since a partition
   * holds other hosts' orders.
   */
  public static final String ASSIGNMENTS = "strato.assignments";
  /** agents -> scheduler: resource reports, keyed by host, compacted. */
  public static final String HOST_STATE = "strato.host-state";
  /** compute API (os-services) -> schedulers: a host's compute service disabled or forced down, keyed by host, compacted. */
  public static final String SERVICE_STATE = "strato.service-state";
  /**
   * compute API -> schedulers: instances deleted before any host took them ({@code Cancellation}), keyed by instance
   * id, compacted, kept {@code kafka.cancellations.retention.ms}.
   */
  public static final String CANCELLATIONS = "strato.cancellations";
  /** agents -> conductor: instance state transitions and faults, keyed by instance id. */
  public static final String INSTANCE_UPDATES = "strato.instance-updates";
  /** batch provisioning in, keyed by batch id. */
  public static final String BOOT_BATCHES = "strato.boot-batches";
  /** lifecycle notifications out, keyed by instance id. */
  public static final String INSTANCE_EVENTS = "strato.instance-events";

  /** Records that can never be delivered or processed, with the reason (see {@code DeadLetter}). */
  public static final String DEAD_LETTERS = "strato.dead-letters";

  /** Header carrying the OpenStack request id on every record. */
  public static final String REQUEST_ID_HEADER = "x-openstack-request-id";

  /**
   * A topic as Strato creates it; {@code partitionsSetting} names the setting that gives its partition count, and
   * {@code retentionSetting} (or null) the one that bounds how long a compacted topic keeps a key's last record.
   */
  public record TopicSpec(String name, boolean compacted, String partitionsSetting, String retentionSetting) {
    TopicSpec(String name, boolean compacted) {
      this(name, compacted, "kafka.partitions", null);
    }

    TopicSpec(String name, boolean compacted, String partitionsSetting) {
      this(name, compacted, partitionsSetting, null);
    }
  }

  public static final List<TopicSpec> ALL = List.of(
      new TopicSpec(BOOT_REQUESTS, false),
      new TopicSpec(ASSIGNMENTS, false, "kafka.assignments.partitions"),
      new TopicSpec(HOST_STATE, true),
      new TopicSpec(SERVICE_STATE, true),
      new TopicSpec(CANCELLATIONS, true, "kafka.partitions", "kafka.cancellations.retention.ms"),
      new TopicSpec(INSTANCE_UPDATES, false),
      new TopicSpec(BOOT_BATCHES, false),
      new TopicSpec(INSTANCE_EVENTS, false),
      new TopicSpec(DEAD_LETTERS, false));

  private Topics() {}
}
