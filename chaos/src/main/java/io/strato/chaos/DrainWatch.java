package io.strato.chaos;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether consumer groups drain, judged over several looks rather than one: a group has drained once its committed
 * offsets reach what its partitions held when the watch first saw it. A topic written all the time (the hosts'
 * reports) always shows a record or two not yet committed at any one instant; that is work arriving, not a stuck
 * consumer. A group is stuck when it falls short and its committed offsets stop moving for {@code stallMillis}.
 */
final class DrainWatch {
  /** One partition at one look: the group's committed offset and the partition's end offset. */
  record Offsets(long committed, long end) {}

  private final long stallMillis;
  /** group -> partition -> end offset when the watch first saw the partition. */
  private final Map<String, Map<String, Long>> targets = new HashMap<>();
  /** group -> sum of its committed offsets at the last look, and when that sum last grew. */
  private final Map<String, Long> committedSum = new HashMap<>();
  private final Map<String, Long> movedAt = new HashMap<>();
  private Map<String, Long> lastShort = Map.of();

  DrainWatch(long stallMillis) {
    this.stallMillis = stallMillis;
  }

  /**
   * Takes one look (group -> partition -> offsets, at {@code nowMillis}); returns the groups still short of their
   * targets, with how many records they are short by.
   */
  Map<String, Long> observe(long nowMillis, Map<String, Map<String, Offsets>> look) {
    Map<String, Long> shortBy = new TreeMap<>();
    look.forEach((group, partitions) -> {
      Map<String, Long> target = targets.computeIfAbsent(group, g -> new HashMap<>());
      long missing = 0;
      long sum = 0;
      for (var e : partitions.entrySet()) {
        long end = target.computeIfAbsent(e.getKey(), p -> e.getValue().end());
        missing += Math.max(0, end - e.getValue().committed());
        sum += e.getValue().committed();
      }
      Long before = committedSum.put(group, sum);
      if (before == null || sum > before) movedAt.put(group, nowMillis);
      if (missing > 0) shortBy.put(group, missing);
    });
    lastShort = shortBy;
    return shortBy;
  }

  /** True when every group short at the last look has not committed anything for {@code stallMillis}. */
  boolean stalled(long nowMillis) {
    if (lastShort.isEmpty()) return false;
    return lastShort.keySet().stream().allMatch(g -> nowMillis - movedAt.getOrDefault(g, nowMillis) >= stallMillis);
  }
}
