package io.strato.scheduler.service;

import io.strato.common.messages.HostStateReport;
import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostTraits;
import java.util.Set;

/** Turns an agent's {@link HostStateReport} (the Kafka message) into the core's {@link HostReport}. */
final class HostReports {

    private HostReports() {
    }

    static HostReport from(HostStateReport r) {
        HostTraits traits = new HostTraits(r.availabilityZone(), r.hypervisorType(), r.architecture(),
                r.hypervisorVersion(), r.aggregates().stream().map(a -> new Aggregate(a.name(), a.metadata())).toList());
        return new HostReport(r.host(), traits, r.enabled(), r.timestampMillis(), capacity(r.vcpus()),
                capacity(r.memoryMb()), capacity(r.diskGb()), r.runningInstances(), r.ioOps(),
                r.recentBuildFailures(), Set.copyOf(r.instanceIds()));
    }

    private static Capacity capacity(HostStateReport.Resource r) {
        return new Capacity(r.total(), r.reserved(), r.allocationRatio(), r.used());
    }
}
