package io.strato.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InstanceLifecycleTest {
  private static final Origin HOST = new Origin("compute-1", 2, "req-1");

  @ParameterizedTest
  @EnumSource(VmState.class)
  @DisplayName("every vm_state reads back from its OpenStack name")
  void vmStatesRoundTrip(VmState s) {
    assertThat(VmState.of(s.wire())).isSameAs(s);
  }

  @ParameterizedTest
  @EnumSource(TaskState.class)
  @DisplayName("every task_state reads back from its OpenStack name")
  void taskStatesRoundTrip(TaskState s) {
    assertThat(TaskState.of(s.wire())).isSameAs(s);
  }

  @Test
  @DisplayName("OpenStack's names on the wire: powering-off with a dash, block_device_mapping with underscores")
  void wireNames() {
    assertThat(TaskState.POWERING_OFF.wire()).isEqualTo("powering-off");
    assertThat(TaskState.BLOCK_DEVICE_MAPPING.wire()).isEqualTo("block_device_mapping");
    assertThat(VmState.SOFT_DELETED.wire()).isEqualTo("soft-delete");
    assertThat(PowerState.SHUTDOWN.code()).isEqualTo(4);
    assertThat(TaskState.SCHEDULING.event()).isEqualTo("schedule");
    assertThat(TaskState.SPAWNING.event()).isEqualTo("spawning");
    assertThat(TaskState.DELETING.event()).isNull();
  }

  @Test
  @DisplayName("each named update says what the conductor expects, sets, fences and records, and survives the wire")
  void namedUpdates() {
    String id = "5c2b4a0e-0000-4000-8000-000000000001";
    List<InstanceUpdate> all = List.of(
        InstanceUpdate.step(HOST, id, TaskState.SCHEDULING, TaskState.BLOCK_DEVICE_MAPPING, null),
        InstanceUpdate.active(HOST, id, new JsonObject().put("addresses", new JsonObject())),
        InstanceUpdate.buildError(HOST, id, TaskState.NETWORKING, "no IP left"),
        InstanceUpdate.deleted(HOST, id),
        InstanceUpdate.actionEnded(HOST, id, TaskState.POWERING_OFF, VmState.STOPPED, PowerState.SHUTDOWN,
            "compute_stop_instance"),
        InstanceUpdate.actionFailed(Origin.unplaced("req-2"), id, TaskState.REBOOTING, "compute_reboot_instance",
            "no domain"));
    for (InstanceUpdate u : all) {
      InstanceUpdate back = InstanceUpdate.fromJson(new JsonObject(u.toJson().encode()));
      assertThat(back).isEqualTo(u);
    }
    InstanceUpdate step = all.get(0);
    assertThat(step.expectedVmState()).isEqualTo(VmState.BUILDING);
    assertThat(step.event()).isEqualTo("schedule");
    assertThat(step.host()).isEqualTo("compute-1");
    assertThat(step.attempt()).isEqualTo(2);
    assertThat(all.get(1).changes().getInteger("power_state")).isEqualTo(PowerState.RUNNING.code());
    assertThat(all.get(2).fault().getString("message")).isEqualTo("no IP left");
    assertThat(all.get(2).event()).isEqualTo("networking");
    assertThat(all.get(3).expectedVmState()).isNull();
    assertThat(all.get(3).expectedTaskState()).isEqualTo(TaskState.DELETING);
    assertThat(all.get(5).host()).isNull();
    assertThat(all.get(4).event()).isEqualTo("compute_stop_instance");
    assertThat(all.get(5).eventResult()).isEqualTo("Error");
  }

  @Test
  @DisplayName("an update naming a state OpenStack does not have is malformed, never applied")
  void unknownStateIsMalformed() {
    JsonObject j = InstanceUpdate.deleted(HOST, "5c2b4a0e-0000-4000-8000-000000000001").toJson()
        .put("vm_state", "exploded");
    assertThatThrownBy(() -> InstanceUpdate.fromJson(j)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exploded");
  }
}
