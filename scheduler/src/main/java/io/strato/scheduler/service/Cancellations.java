package io.strato.scheduler.service;

import io.strato.common.messages.Cancellation;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instances deleted before any host took them, as read from {@code strato.cancellations}: the boot request
 * consumer drops them before it claims anything. Fed by {@link HostStateConsumer} (replayed from the start before
 * any boot request is taken), read by {@link BootRequestConsumer}, each on its own worker thread.
 *
 * <p>Bounded by time: a cancellation older than {@code kafka.cancellations.retention.ms} is forgotten, as the topic
 * forgets it. Only deletes that beat the scheduler are here, a small share of boots.
 */
final class Cancellations {
  private final Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
  private final long retentionMs;
  private final Clock clock;
  private volatile long nextExpiry;

  Cancellations(long retentionMs, Clock clock) {
    this.retentionMs = retentionMs;
    this.clock = clock;
  }

  void add(Cancellation c) {
    cancelledAt.merge(c.instanceId(), c.cancelledAt(), Math::max);
    expireOld();
  }

  boolean isCancelled(String instanceId) {
    return cancelledAt.containsKey(instanceId);
  }

  /** The instances of {@code instanceIds} that were not cancelled, in order. */
  List<String> live(List<String> instanceIds) {
    return cancelledAt.isEmpty() ? instanceIds : instanceIds.stream().filter(id -> !isCancelled(id)).toList();
  }

  int size() {
    return cancelledAt.size();
  }

  /** At most once a minute: drops what is older than the retention. */
  private void expireOld() {
    long now = clock.millis();
    if (now < nextExpiry) return;
    nextExpiry = now + 60_000;
    cancelledAt.values().removeIf(at -> at < now - retentionMs);
  }
}
