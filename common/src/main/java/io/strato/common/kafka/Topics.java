package io.strato.common.kafka;

import java.util.List;

/** Every Kafka topic Strato uses, with how it is created (DESIGN.md, "Kafka"). */
public final class Topics {
  /** gateway -> scheduler, keyed by reservation id. */
  public static final String BOOT_REQUESTS = "strato.boot-requests";
  /**
   * Prefix of the per-host topics {@code strato.assignments.<host>}: scheduler and gateway -> that host's agent.
   * One topic per host, so an agent reads only its own traffic, however many hosts there are.
   */
  public static final String ASSIGNMENTS = "strato.assignments";
  /** agents -> scheduler: resource reports, keyed by host, compacted. */
  public static final String HOST_STATE = "strato.host-state";
  /** compute API (os-services) -> schedulers: a host's compute service disabled or forced down, keyed by host, compacted. */
  public static final String SERVICE_STATE = "strato.service-state";
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

  public record TopicSpec(String name, boolean compacted) {}

  public static final List<TopicSpec> ALL = List.of(
      new TopicSpec(BOOT_REQUESTS, false),
      new TopicSpec(HOST_STATE, true),
      new TopicSpec(SERVICE_STATE, true),
      new TopicSpec(INSTANCE_UPDATES, false),
      new TopicSpec(BOOT_BATCHES, false),
      new TopicSpec(INSTANCE_EVENTS, false),
      new TopicSpec(DEAD_LETTERS, false));

  private Topics() {}

  /** The assignment topic of one host; host names are made safe for Kafka's topic name alphabet. */
  public static String assignmentsFor(String host) {
    return ASSIGNMENTS + "." + host.replaceAll("[^a-zA-Z0-9._-]", "_");
  }
}
