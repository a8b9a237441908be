package io.strato.scheduler;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Remembers which host each instance was placed on, so a redelivered boot request returns the
 * same placement instead of claiming a second time. Persisted beside the host state, because
 * redelivery happens precisely after a crash.
 *
 * <p>An entry lives until {@link #forget} (the instance left the build, or its claim was
 * released).
 */
public final class PlacementLedger implements AutoCloseable {

    private static final String SEPARATOR = "\n";

    private final ChronicleMap<String, String> map;

    private final Closeable users;

    private PlacementLedger(ChronicleMap<String, String> map, Closeable users) {
        this.map = map;
        this.users = users;
    }

    /**
     * Opens (or creates) the ledger at {@code file}, sized for {@code maxEntries} instances in flight; recovered first
     * when no other process uses it ({@link PersistedMaps}).
     */
    public static PlacementLedger open(Path file, long maxEntries) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            PersistedMaps.Opened<String, String> opened = PersistedMaps.open(builder(maxEntries), file.toFile());
            return new PlacementLedger(opened.map(), opened.users());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open placement ledger " + file, e);
        }
    }

    public static PlacementLedger inMemory(long maxEntries) {
        return new PlacementLedger(builder(maxEntries).create(), () -> { });
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<String, String> builder(long maxEntries) {
        return ChronicleMap.of(String.class, String.class)
                .name("strato-placements")
                .entries(Math.max(1024, maxEntries))
                .averageKey("00000000-0000-0000-0000-000000000000")
                .averageValue("compute-000000.example.org\ncompute-000001.example.org\ncompute-000002.example.org");
    }

    public Optional<Placement> find(String instanceId) {
        String encoded = map.get(instanceId);
        return encoded == null ? Optional.empty() : Optional.of(decode(instanceId, encoded));
    }

    /**
     * Records {@code placement} unless the instance already has one.
     *
     * @return the placement now recorded: {@code placement}, or the earlier one that won
     */
    public Placement recordIfAbsent(Placement placement) {
        String previous = map.putIfAbsent(placement.instanceId(), encode(placement));
        return previous == null ? placement : decode(placement.instanceId(), previous);
    }

    public void forget(String instanceId) {
        map.remove(instanceId);
    }

    /**
     * Forgets the instance's placement if {@code which} accepts it and nobody changed it meanwhile (a conditional
     * remove, so a placement recorded between the read and the remove stays).
     *
     * @return the placement forgotten, or empty
     */
    public Optional<Placement> forgetIf(String instanceId, Predicate<Placement> which) {
        String encoded = map.get(instanceId);
        if (encoded == null) return Optional.empty();
        Placement placement = decode(instanceId, encoded);
        return which.test(placement) && map.remove(instanceId, encoded) ? Optional.of(placement) : Optional.empty();
    }

    public int size() {
        return map.size();
    }

    @Override
    public void close() {
        try (Closeable file = users) {
            map.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give up the placement ledger file", e);
        }
    }

    private static String encode(Placement placement) {
        StringBuilder sb = new StringBuilder(placement.host());
        for (String alternate : placement.alternates()) {
            sb.append(SEPARATOR).append(alternate);
        }
        return sb.toString();
    }

    private static Placement decode(String instanceId, String encoded) {
        List<String> parts = Arrays.asList(encoded.split(SEPARATOR));
        return new Placement(instanceId, parts.get(0), parts.subList(1, parts.size()));
    }
}
