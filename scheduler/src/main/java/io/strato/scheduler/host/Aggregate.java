package io.strato.scheduler.host;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A host aggregate the host belongs to, with its metadata (Nova's aggregate metadata). */
public record Aggregate(String name, Map<String, String> metadata) {

    public Aggregate {
        Objects.requireNonNull(name, "name");
        // NOTE: a sorted copy keeps the serialised form canonical, which the map's byte-wise CAS relies on.
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    }
}
