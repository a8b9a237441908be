package io.strato.scheduler.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.BytesReader;
import net.openhft.chronicle.hash.serialization.BytesWriter;
import net.openhft.chronicle.core.util.ReadResolvable;

/**
 * The on-disk form of {@link HostState} in the Chronicle Map.
 *
 * <p>Contract: equal values always serialise to identical bytes (fields in a fixed order,
 * aggregate metadata sorted, doubles as raw bits), because {@code ChronicleMap.replace(key, old,
 * new)} compares serialised bytes: that comparison is the claim's compare-and-set. A format
 * change needs a new {@link #FORMAT} and a rebuild of the file.
 */
final class HostStateMarshaller implements BytesReader<HostState>, BytesWriter<HostState>, ReadResolvable<HostStateMarshaller> {

    // NOTE: a singleton by static field, not a Java enum: Chronicle Map refuses enum marshallers.
    static final HostStateMarshaller INSTANCE = new HostStateMarshaller();

    static final int FORMAT = 1;

    private HostStateMarshaller() {
    }

    @Override
    public void write(Bytes<?> out, HostState s) {
        out.writeStopBit(FORMAT);
        out.writeUtf8(s.name());
        writeTraits(out, s.traits());
        out.writeBoolean(s.enabled());
        out.writeLong(s.lastHeartbeatMillis());
        writeCapacity(out, s.vcpus());
        writeCapacity(out, s.ramMb());
        writeCapacity(out, s.diskGb());
        out.writeStopBit(s.runningInstances());
        out.writeStopBit(s.ioOps());
        out.writeStopBit(s.recentBuildFailures());
        out.writeStopBit(s.inFlightClaims().size());
        for (InFlightClaim claim : s.inFlightClaims()) {
            out.writeUtf8(claim.instanceId());
            out.writeStopBit(claim.amounts().vcpus());
            out.writeStopBit(claim.amounts().ramMb());
            out.writeStopBit(claim.amounts().diskGb());
            out.writeLong(claim.claimedAtMillis());
        }
        out.writeLong(s.generation());
    }

    @Override
    public HostState read(Bytes<?> in, HostState using) {
        long format = in.readStopBit();
        if (format != FORMAT) {
            throw new IllegalStateException("host state format " + format + " is not " + FORMAT + "; rebuild the host state file");
        }
        String name = in.readUtf8();
        HostTraits traits = readTraits(in);
        boolean enabled = in.readBoolean();
        long heartbeat = in.readLong();
        Capacity vcpus = readCapacity(in);
        Capacity ram = readCapacity(in);
        Capacity disk = readCapacity(in);
        int running = (int) in.readStopBit();
        int ioOps = (int) in.readStopBit();
        int failures = (int) in.readStopBit();
        int claimCount = (int) in.readStopBit();
        List<InFlightClaim> claims = new ArrayList<>(claimCount);
        for (int i = 0; i < claimCount; i++) {
            String instanceId = in.readUtf8();
            ResourceAmounts amounts = new ResourceAmounts((int) in.readStopBit(), in.readStopBit(), in.readStopBit());
            claims.add(new InFlightClaim(instanceId, amounts, in.readLong()));
        }
        long generation = in.readLong();
        return new HostState(name, traits, enabled, heartbeat, vcpus, ram, disk, running, ioOps, failures, claims, generation);
    }

    private static void writeTraits(Bytes<?> out, HostTraits t) {
        out.writeUtf8(t.availabilityZone());
        out.writeUtf8(t.hypervisorType());
        out.writeUtf8(t.architecture());
        out.writeLong(t.hypervisorVersion());
        out.writeStopBit(t.aggregates().size());
        for (Aggregate aggregate : t.aggregates()) {
            out.writeUtf8(aggregate.name());
            out.writeStopBit(aggregate.metadata().size());
            for (Map.Entry<String, String> e : aggregate.metadata().entrySet()) {
                out.writeUtf8(e.getKey());
                out.writeUtf8(e.getValue());
            }
        }
    }

    private static HostTraits readTraits(Bytes<?> in) {
        String zone = in.readUtf8();
        String hypervisorType = in.readUtf8();
        String architecture = in.readUtf8();
        long version = in.readLong();
        int aggregateCount = (int) in.readStopBit();
        List<Aggregate> aggregates = new ArrayList<>(aggregateCount);
        for (int i = 0; i < aggregateCount; i++) {
            String name = in.readUtf8();
            int entries = (int) in.readStopBit();
            Map<String, String> metadata = new TreeMap<>();
            for (int j = 0; j < entries; j++) {
                metadata.put(in.readUtf8(), in.readUtf8());
            }
            aggregates.add(new Aggregate(name, metadata));
        }
        return new HostTraits(zone, hypervisorType, architecture, version, aggregates);
    }

    private static void writeCapacity(Bytes<?> out, Capacity c) {
        out.writeStopBit(c.total());
        out.writeStopBit(c.reserved());
        out.writeDouble(c.allocationRatio());
        out.writeStopBit(c.used());
    }

    private static Capacity readCapacity(Bytes<?> in) {
        long total = in.readStopBit();
        long reserved = in.readStopBit();
        double ratio = in.readDouble();
        return new Capacity(total, reserved, ratio, in.readStopBit());
    }

    @Override
    public HostStateMarshaller readResolve() {
        return INSTANCE;
    }
}
