package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the agent does with an assignment, from the compute API's record of the instance. */
class BuildGuardTest {

  @ParameterizedTest(name = "vm_state={0} task_state={1} host={2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "building, scheduling, null, BUILD",
      "building, null, null, BUILD",
      "building, scheduling, here, BUILD",
      "building, networking, here, INTERRUPTED",
      "building, spawning, null, INTERRUPTED",
      "building, networking, elsewhere, SKIP",
      "building, deleting, here, SKIP",
      "active, null, here, SKIP",
      "error, null, here, SKIP",
      "deleted, null, here, SKIP"})
  void verdicts(String vmState, String task, String host, BuildGuard.Verdict expected) {
    JsonObject server = new JsonObject().put("OS-EXT-STS:vm_state", vmState).put("OS-EXT-STS:task_state", task)
        .put("OS-EXT-SRV-ATTR:host", host);
    assertThat(BuildGuard.of(server, "here").verdict()).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void anInstanceTheComputeApiNoLongerKnowsIsNotBuilt() {
    assertThat(BuildGuard.of(null, "here").verdict()).isEqualTo(BuildGuard.Verdict.SKIP);
  }
}
