package io.strato.scheduler.host;

import io.strato.scheduler.PersistedMaps;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Host state in a persisted Chronicle Map, shared by every scheduler process that opens the
 * same file.
 *
 * <p>Every write is a compare-and-set of the whole entry ({@code ChronicleMap.replace(key, old,
 * new)}, which compares the serialised bytes, generation included): there is no lock held
 * across a decision, and a writer that loses a race sees the current entry and decides again.
 * Chronicle Map only locks the one segment for the few microseconds of the replace itself.
 *
 * <p>The map is a rebuildable view: PostgreSQL and the agents' reports are the truth.
 */
public final class HostStateStore implements AutoCloseable {

    /** Room for a host with a few aggregates and a handful of in-flight claims. */
    public static final int DEFAULT_AVERAGE_ENTRY_BYTES = 640;

    private final ChronicleMap<String, HostState> map;
    private final Clock clock;
    private final long claimTtlMillis;

    private final Closeable users;

    private HostStateStore(ChronicleMap<String, HostState> map, Closeable users, Clock clock, Duration claimTtl) {
        this.map = map;
        this.users = users;
        this.clock = clock;
        this.claimTtlMillis = claimTtl.toMillis();
    }

    /**
     * Opens the map persisted at {@code file}, creating it when absent; an existing file keeps its
     * hosts (and their in-flight claims) across restarts, and is recovered first (locks a killed scheduler
     * left behind are cleared) when no other process uses it ({@link PersistedMaps}).
     *
     * @param maxHosts  how many hosts the file is sized for (fixed when the file is created)
     * @param claimTtl  how long an in-flight claim survives reports that do not account for it
     */
    public static HostStateStore open(Path file, int maxHosts, Duration claimTtl, Clock clock) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            PersistedMaps.Opened<String, HostState> opened = PersistedMaps.open(builder(maxHosts), file.toFile());
            return new HostStateStore(opened.map(), opened.users(), clock, claimTtl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open host state file " + file, e);
        }
    }

    /** A map in memory only, for tests and benchmarks that do not care about restarts. */
    public static HostStateStore inMemory(int maxHosts, Duration claimTtl, Clock clock) {
        return new HostStateStore(builder(maxHosts).create(), () -> { }, clock, claimTtl);
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<String, HostState> builder(int maxHosts) {
        return ChronicleMap.of(String.class, HostState.class)
                .name("strato-host-state")
                .entries(Math.max(64, maxHosts))
                .averageKey("compute-000000.example.org")
                .averageValueSize(DEFAULT_AVERAGE_ENTRY_BYTES)
                .valueMarshallers(HostStateMarshaller.INSTANCE, HostStateMarshaller.INSTANCE);
    }

    public Optional<HostState> get(String host) {
        return Optional.ofNullable(map.get(host));
    }

    /**
     * Applies an agent's report, keeping the in-flight claims it does not account for yet
     * ({@link HostState#fromReport}). Retries until its compare-and-set wins.
     *
     * @return the entry as written
     */
    public HostState upsertFromReport(HostReport report) {
        long now = clock.millis();
        while (true) {
            HostState previous = map.get(report.host());
            HostState next = HostState.fromReport(report, previous, now, claimTtlMillis);
            if (previous == null ? map.putIfAbsent(report.host(), next) == null : map.replace(report.host(), previous, next)) {
                return next;
            }
        }
    }

    /**
     * Deducts {@code amounts} for {@code instanceId} from the host, only if its entry is still
     * exactly {@code expected} (the state the filters approved). Never retries: on a lost race the
     * caller re-filters against {@link ClaimOutcome#current()}. Claiming an instance that already
     * has a claim on this host succeeds without deducting twice.
     */
    public ClaimOutcome claim(HostState expected, String instanceId, ResourceAmounts amounts) {
        HostState next = expected.withClaim(new InFlightClaim(instanceId, amounts, clock.millis()));
        if (next == expected) {
            return new ClaimOutcome(true, expected);
        }
        if (map.replace(expected.name(), expected, next)) {
            return new ClaimOutcome(true, next);
        }
        return new ClaimOutcome(false, map.get(expected.name()));
    }

    /** Writes {@code updated} only if the entry still equals {@code expected}. */
    public boolean compareAndSet(HostState expected, HostState updated) {
        Objects.requireNonNull(expected, "expected");
        return map.replace(expected.name(), expected, updated);
    }

    /**
     * Gives back the in-flight claim of {@code instanceId} on {@code host} (a failed or cancelled
     * build, or a request that failed as a whole). Idempotent.
     *
     * @return the entry after the release, empty when the host is unknown
     */
    public Optional<HostState> release(String host, String instanceId) {
        while (true) {
            HostState current = map.get(host);
            if (current == null) {
                return Optional.empty();
            }
            HostState next = current.withoutClaim(instanceId);
            if (next == current || map.replace(host, current, next)) {
                return Optional.of(next);
            }
        }
    }

    /**
     * Switches whether the host takes new instances (its compute service enabled or disabled by an operator),
     * keeping everything else, claims included.
     *
     * @return the entry after the change, empty when the host is unknown
     */
    public Optional<HostState> setEnabled(String host, boolean enabled) {
        while (true) {
            HostState current = map.get(host);
            if (current == null) {
                return Optional.empty();
            }
            HostState next = current.withEnabled(enabled);
            if (next == current || map.replace(host, current, next)) {
                return Optional.of(next);
            }
        }
    }

    /** Replaces a known host's traits (compare-and-set, claims kept); empty when the host has not reported yet. */
    public Optional<HostState> setTraits(String host, java.util.function.UnaryOperator<HostTraits> change) {
        while (true) {
            HostState current = map.get(host);
            if (current == null) {
                return Optional.empty();
            }
            HostState next = current.withTraits(change.apply(current.traits()));
            if (next == current || map.replace(host, current, next)) {
                return Optional.of(next);
            }
        }
    }

    /** Removes a host that was decommissioned. */
    public void remove(String host) {
        map.remove(host);
    }

    /** Visits every host (a snapshot per entry, not of the whole map). */
    public void forEach(Consumer<HostState> visitor) {
        map.values().forEach(visitor);
    }

    public int size() {
        return map.size();
    }

    public File file() {
        return map.file();
    }

    @Override
    public void close() {
        try {
            map.close();
        } finally {
            try {
                users.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot give up the host state file", e);
            }
        }
    }
}
