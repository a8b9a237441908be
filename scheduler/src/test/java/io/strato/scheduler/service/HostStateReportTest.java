package io.strato.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.messages.HostStateReport;
import io.strato.scheduler.host.HostReport;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostStateReportTest {

    private static final String DOCUMENTED = """
            {"version": 1, "message_id": "m-1", "host": "compute-01", "timestamp_ms": 1700000000000, "enabled": true,
             "availability_zone": "nova", "hypervisor_type": "QEMU", "hypervisor_version": 8002000,
             "architecture": "x86_64", "aggregates": [{"name": "fast", "metadata": {"ssd": "true"}}],
             "vcpus":     {"total": 16,    "reserved": 0,   "allocation_ratio": 16.0, "used": 4},
             "memory_mb": {"total": 32768, "reserved": 512, "allocation_ratio": 1.5,  "used": 8192},
             "disk_gb":   {"total": 500,   "reserved": 0,   "allocation_ratio": 1.0,  "used": 40},
             "running_instances": 2, "io_ops": 1, "recent_build_failures": 0, "instance_ids": ["i-1", "i-2"]}
            """;

    @Test
    @DisplayName("the documented host report becomes the scheduler's view of the host, and survives a round trip")
    void documentedShape() {
        HostStateReport report = HostStateReport.fromJson(new JsonObject(DOCUMENTED));

        assertThat(HostStateReport.fromJson(report.toJson())).isEqualTo(report);
        HostReport core = HostReports.from(report);
        assertThat(core.host()).isEqualTo("compute-01");
        assertThat(core.heartbeatMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(core.traits().availabilityZone()).isEqualTo("nova");
        assertThat(core.traits().hypervisorVersion()).isEqualTo(8_002_000L);
        assertThat(core.traits().aggregates().get(0).metadata()).isEqualTo(Map.of("ssd", "true"));
        assertThat(core.vcpus().limit()).isEqualTo(256);
        assertThat(core.ramMb().limit()).isEqualTo((long) ((32_768 - 512) * 1.5));
        assertThat(core.ramMb().used()).isEqualTo(8_192);
        assertThat(core.instanceIds()).isEqualTo(Set.of("i-1", "i-2"));
        assertThat(core.runningInstances()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"version\": 2, \"host\": \"h\", \"timestamp_ms\": 1, \"vcpus\": {\"total\": 1}, \"memory_mb\": {\"total\": 1}, \"disk_gb\": {\"total\": 1}}",
        "{\"version\": 1, \"timestamp_ms\": 1, \"vcpus\": {\"total\": 1}, \"memory_mb\": {\"total\": 1}, \"disk_gb\": {\"total\": 1}}",
        "{\"version\": 1, \"host\": \"h\", \"timestamp_ms\": 1, \"memory_mb\": {\"total\": 1}, \"disk_gb\": {\"total\": 1}}",
        "{\"version\": 1, \"host\": \"h\", \"timestamp_ms\": 1, \"vcpus\": {\"total\": -1}, \"memory_mb\": {\"total\": 1}, \"disk_gb\": {\"total\": 1}}",
        "{\"version\": 1, \"host\": \"h\", \"timestamp_ms\": \"soon\", \"vcpus\": {\"total\": 1}, \"memory_mb\": {\"total\": 1}, \"disk_gb\": {\"total\": 1}}"})
    @DisplayName("a report with a wrong version, no host, a missing resource, a negative amount or a wrong type is refused")
    void invalidReportsAreRefused(String json) {
        assertThatThrownBy(() -> HostStateReport.fromJson(new JsonObject(json)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("optional fields default: enabled, no aggregates, no instances, ratio 1")
    void optionalFields() {
        HostStateReport r = HostStateReport.fromJson(new JsonObject("{\"version\": 1, \"host\": \"h\", \"timestamp_ms\": 5,"
                + " \"vcpus\": {\"total\": 4}, \"memory_mb\": {\"total\": 1024}, \"disk_gb\": {\"total\": 10}}"));
        assertThat(r.enabled()).isTrue();
        assertThat(r.aggregates()).isEqualTo(List.of());
        assertThat(r.instanceIds()).isEmpty();
        assertThat(r.vcpus().allocationRatio()).isEqualTo(1.0);
        assertThat(r.messageId()).isNotBlank();
    }
}
