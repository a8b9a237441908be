package io.strato.scheduler.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scheduler's view of one compute host: what it is, what it has, what it runs and what the
 * scheduler has claimed on it that the agent has not reported yet.
 *
 * <p>Usage figures ({@code used} of each {@link Capacity}, {@code runningInstances},
 * {@code ioOps}) are the agent's last report plus every {@link InFlightClaim}. Every change makes
 * a new value with {@code generation + 1}; the store replaces an entry only if it still holds the
 * exact value the change started from, so two schedulers can never both deduct the last
 * resources of a host.
 */
public record HostState(
        String name,
        HostTraits traits,
        boolean enabled,
        long lastHeartbeatMillis,
        Capacity vcpus,
        Capacity ramMb,
        Capacity diskGb,
        int runningInstances,
        int ioOps,
        int recentBuildFailures,
        List<InFlightClaim> inFlightClaims,
        long generation) {

    public HostState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(traits, "traits");
        Objects.requireNonNull(vcpus, "vcpus");
        Objects.requireNonNull(ramMb, "ramMb");
        Objects.requireNonNull(diskGb, "diskGb");
        inFlightClaims = inFlightClaims == null ? List.of() : List.copyOf(inFlightClaims);
    }

    /** True when every resource class has room for {@code amounts}. */
    public boolean fits(ResourceAmounts amounts) {
        return vcpus.fits(amounts.vcpus()) && ramMb.fits(amounts.ramMb()) && diskGb.fits(amounts.diskGb());
    }

    /** Alive in Nova's sense: enabled and heard from within {@code serviceDownTimeMillis}. */
    public boolean isUp(long nowMillis, long serviceDownTimeMillis) {
        return enabled && nowMillis - lastHeartbeatMillis <= serviceDownTimeMillis;
    }

    public boolean hasClaimFor(String instanceId) {
        for (InFlightClaim claim : inFlightClaims) {
            if (claim.instanceId().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * This host after deducting {@code claim}: one more instance and one more build in progress.
     * Claiming an instance already claimed here returns this value unchanged.
     */
    public HostState withClaim(InFlightClaim claim) {
        if (hasClaimFor(claim.instanceId())) {
            return this;
        }
        List<InFlightClaim> claims = new ArrayList<>(inFlightClaims.size() + 1);
        claims.addAll(inFlightClaims);
        claims.add(claim);
        ResourceAmounts a = claim.amounts();
        return new HostState(name, traits, enabled, lastHeartbeatMillis,
                vcpus.plusUsed(a.vcpus()), ramMb.plusUsed(a.ramMb()), diskGb.plusUsed(a.diskGb()),
                runningInstances + 1, ioOps + 1, recentBuildFailures, claims, generation + 1);
    }

    /** This host with its compute service enabled or not; unchanged when it already is. */
    /** This host with other traits (an operator changed its aggregates or zone); claims are kept. */
    public HostState withTraits(HostTraits other) {
        if (other.equals(traits)) {
            return this;
        }
        return new HostState(name, other, enabled, lastHeartbeatMillis, vcpus, ramMb, diskGb, runningInstances, ioOps,
                recentBuildFailures, inFlightClaims, generation + 1);
    }

    public HostState withEnabled(boolean on) {
        if (on == enabled) {
            return this;
        }
        return new HostState(name, traits, on, lastHeartbeatMillis, vcpus, ramMb, diskGb, runningInstances, ioOps,
                recentBuildFailures, inFlightClaims, generation + 1);
    }

    /**
     * This host after giving back the in-flight claim of {@code instanceId}; unchanged when there is
     * none (the agent already reported the instance, so its next report gives the resources back).
     */
    public HostState withoutClaim(String instanceId) {
        InFlightClaim found = null;
        List<InFlightClaim> rest = new ArrayList<>(inFlightClaims.size());
        for (InFlightClaim claim : inFlightClaims) {
            if (found == null && claim.instanceId().equals(instanceId)) {
                found = claim;
            } else {
                rest.add(claim);
            }
        }
        if (found == null) {
            return this;
        }
        ResourceAmounts a = found.amounts();
        return new HostState(name, traits, enabled, lastHeartbeatMillis,
                vcpus.plusUsed(-a.vcpus()), ramMb.plusUsed(-a.ramMb()), diskGb.plusUsed(-a.diskGb()),
                Math.max(0, runningInstances - 1), Math.max(0, ioOps - 1), recentBuildFailures, rest, generation + 1);
    }

    /**
     * The state after an agent's report: the report's figures, plus the in-flight claims of
     * {@code previous} that the report does not account for yet and that are younger than
     * {@code claimTtlMillis}. A report racing a claim therefore never makes a full host look free;
     * a claim whose instance never reached the host expires instead of leaking forever.
     */
    public static HostState fromReport(HostReport report, HostState previous, long nowMillis, long claimTtlMillis) {
        List<InFlightClaim> kept = new ArrayList<>();
        if (previous != null) {
            for (InFlightClaim claim : previous.inFlightClaims) {
                boolean accounted = report.instanceIds().contains(claim.instanceId());
                boolean expired = nowMillis - claim.claimedAtMillis() > claimTtlMillis;
                if (!accounted && !expired) {
                    kept.add(claim);
                }
            }
        }
        long vcpus = 0;
        long ram = 0;
        long disk = 0;
        for (InFlightClaim claim : kept) {
            vcpus += claim.amounts().vcpus();
            ram += claim.amounts().ramMb();
            disk += claim.amounts().diskGb();
        }
        long generation = previous == null ? 1 : previous.generation + 1;
        return new HostState(report.host(), report.traits(), report.enabled(), report.heartbeatMillis(),
                report.vcpus().plusUsed(vcpus), report.ramMb().plusUsed(ram), report.diskGb().plusUsed(disk),
                report.runningInstances() + kept.size(), report.ioOps() + kept.size(),
                report.recentBuildFailures(), kept, generation);
    }
}
