package io.strato.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BootTimelineTest {

  @Test
  @DisplayName("the timeline counts creates and launches per second of the run and the p99 of that second's launches")
  void perSecond() {
    List<BootTimeline.Boot> boots = List.of(
        new BootTimeline.Boot(10_000, 10_400),  // second 0: created, ACTIVE after 400 ms
        new BootTimeline.Boot(10_500, 11_700),  // second 0 created, second 1 ACTIVE after 1,200 ms
        new BootTimeline.Boot(11_100, 11_300),  // second 1: 200 ms
        new BootTimeline.Boot(11_200, 13_100)); // second 1 created, second 3 ACTIVE after 1,900 ms
    assertThat(BootTimeline.seconds(boots)).containsExactly(
        new BootTimeline.Second(0, 2, 1, 400),
        new BootTimeline.Second(1, 2, 2, 1_200),
        new BootTimeline.Second(2, 0, 0, 0),
        new BootTimeline.Second(3, 0, 1, 1_900));
  }

  @Test
  @DisplayName("the page is one self-contained SVG plot with a line each for created/s, ACTIVE/s and p99")
  void page() {
    String html = BootTimeline.html("run", BootTimeline.seconds(List.of(new BootTimeline.Boot(0, 900),
        new BootTimeline.Boot(100, 2_500))));
    assertThat(html).contains("<svg").contains("2 servers ACTIVE over 3 s").doesNotContain("<script");
    assertThat(html.split("<polyline", -1)).hasSize(4);
  }
}
