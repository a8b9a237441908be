package io.strato.scheduler.service;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.HostStateReport;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Test data that no other test shares on the broker: fresh zones, hosts and instance ids, and the messages agents
 * and the gateway publish.
 */
final class Fleet {
    private Fleet() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> UUID.randomUUID().toString()).toList();
    }

    /** A live, enabled x86_64 QEMU host with nothing running, allocation ratios 1. */
    static HostStateReport host(String name, String zone, int vcpus, long ramMb, long diskGb) {
        return new HostStateReport(HostStateReport.VERSION, null, name, System.currentTimeMillis(), true, zone,
                "QEMU", 8_002_000L, "x86_64", List.of(),
                new HostStateReport.Resource(vcpus, 0, 1.0, 0), new HostStateReport.Resource(ramMb, 0, 1.0, 0),
                new HostStateReport.Resource(diskGb, 0, 1.0, 0), 0, 0, 0, List.of());
    }

    static BootRequest boot(List<String> instanceIds, String zone, int vcpus, int ramMb, int diskGb,
                            BootRequest.Group group) {
        return new BootRequest(BootRequest.VERSION, BootRequest.newMessageId(), "r-" + UUID.randomUUID(), instanceIds,
                "project-" + UUID.randomUUID(), "user", new BootRequest.Flavor("f1", "m1.test", vcpus, ramMb, diskGb,
                        Map.of()),
                new BootRequest.ImageRef("image-1", Map.of("hw_architecture", "x86_64")), zone, group, List.of(),
                List.of(), new JsonObject().put("name", "vm"), "req-" + UUID.randomUUID());
    }

    static void report(KafkaProbe kafka, HostStateReport report) {
        kafka.publish(Topics.HOST_STATE, report.host(), report.toJson().encode());
    }

    static void request(KafkaProbe kafka, BootRequest boot) {
        kafka.publish(Topics.BOOT_REQUESTS, boot.reservationId(), boot.toJson().encode(), boot.requestId());
    }
}
