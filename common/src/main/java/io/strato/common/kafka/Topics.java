package io.strato.common.kafka;

import java.util.List;

/** Every Kafka topic Strato uses, with how it is created (DESIGN.md, "Kafka"). */
public final class Topics {
  /** gateway -> scheduler, keyed by reservation id. */
  public static final String BOOT_REQUESTS = "strato.boot-requests";
  /** scheduler -> the chosen host's agent, keyed by host name (see {@link #assignmentPartition}). */
  public static final String ASSIGNMENTS = "strato.assignments";
  /** agents -> scheduler: resource reports, keyed by host, compacted. */
  public static final String HOST_STATE = "strato.host-state";
  /** agents -> conductor: instance state transitions and faults, keyed by instance id. */
  public static final String INSTANCE_UPDATES = "strato.instance-updates";
  /** batch provisioning in, keyed by batch id. */
  public static final String BOOT_BATCHES = "strato.boot-batches";
  /** lifecycle notifications out, keyed by instance id. */
  public static final String INSTANCE_EVENTS = "strato.instance-events";

  /** Header carrying the OpenStack request id on every record. */
  public static final String REQUEST_ID_HEADER = "x-openstack-request-id";

  public record TopicSpec(String name, boolean compacted) {}

  public static final List<TopicSpec> ALL = List.of(
      new TopicSpec(BOOT_REQUESTS, false),
      new TopicSpec(ASSIGNMENTS, false),
      new TopicSpec(HOST_STATE, true),
      new TopicSpec(INSTANCE_UPDATES, false),
      new TopicSpec(BOOT_BATCHES, false),
      new TopicSpec(INSTANCE_EVENTS, false));

  private Topics() {}
}
