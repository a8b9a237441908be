package io.strato.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.chaos.DrainWatch.Offsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The checker's "consumer lag drains to zero", judged over several looks (DrainWatch) rather than one instant. */
class DrainWatchTest {
  private static Map<String, Map<String, Offsets>> look(String group, long committed, long end) {
    return Map.of(group, Map.of("strato.host-state-0", new Offsets(committed, end)));
  }

  @Test
  @DisplayName("a group behind by 2 at one look, on a topic written all the time, drains: it is not stuck")
  void lagOfRecordsStillArrivingIsNotStuck() {
    DrainWatch watch = new DrainWatch(15_000);
    // Reports keep arriving (the end moves on); the group commits what was there at the first look a moment later.
    assertThat(watch.observe(0, look("strato-conductor-hosts", 98, 100))).containsEntry("strato-conductor-hosts", 2L);
    assertThat(watch.observe(500, look("strato-conductor-hosts", 99, 102))).containsEntry("strato-conductor-hosts", 1L);
    assertThat(watch.observe(1000, look("strato-conductor-hosts", 101, 103))).isEmpty();
    assertThat(watch.stalled(1000)).isFalse();
  }

  @Test
  @DisplayName("a group whose committed offsets stop short and stay still for the stall time is stuck")
  void lagThatStopsShrinkingIsStuck() {
    DrainWatch watch = new DrainWatch(15_000);
    assertThat(watch.observe(0, look("strato-conductor", 90, 100))).containsEntry("strato-conductor", 10L);
    assertThat(watch.observe(5_000, look("strato-conductor", 95, 100))).containsEntry("strato-conductor", 5L);
    assertThat(watch.stalled(5_000)).isFalse();
    assertThat(watch.observe(19_000, look("strato-conductor", 95, 100))).containsEntry("strato-conductor", 5L);
    assertThat(watch.stalled(19_000)).isFalse(); // 14 s without a commit: not yet
    assertThat(watch.observe(20_000, look("strato-conductor", 95, 100))).containsEntry("strato-conductor", 5L);
    assertThat(watch.stalled(20_000)).isTrue();
  }

  @Test
  @DisplayName("a group that never lagged is drained at the first look")
  void noLagIsDrained() {
    DrainWatch watch = new DrainWatch(15_000);
    assertThat(watch.observe(0, look("strato-scheduler", 40, 40))).isEmpty();
    assertThat(watch.stalled(0)).isFalse();
  }
}
