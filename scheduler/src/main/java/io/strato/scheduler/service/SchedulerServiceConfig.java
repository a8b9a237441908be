package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.scheduler.SchedulerConfig;
import io.strato.scheduler.UnknownPluginException;
import io.strato.scheduler.filter.Filters;
import io.strato.scheduler.weigher.Weighers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler service's typed configuration, read once from {@link Settings} (keys and their meaning in
 * {@code strato-defaults.properties}, section "scheduler").
 *
 * <p>Validated here, so a bad value fails start-up with a message naming the key: an unknown filter or weigher name
 * (also in the multipliers) lists the known ones.
 *
 * @param decisions   what the core needs: filters, weighers, multipliers, attempts, limits, down time, claim TTL
 * @param settings    the whole configuration, for Kafka clients and topic creation
 */
public record SchedulerServiceConfig(
        String bindHost,
        int port,
        Path mapFile,
        Path ledgerFile,
        int maxHosts,
        int maxPlacements,
        Duration refreshInterval,
        String consumerGroup,
        SchedulerConfig decisions,
        Settings settings) {

    public SchedulerServiceConfig {
        if (maxHosts < 1 || maxPlacements < 1) {
            throw new IllegalArgumentException("scheduler.max.hosts and scheduler.max.placements must be at least 1");
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("scheduler.refresh.ms must be positive");
        }
    }

    public static SchedulerServiceConfig from(Settings s) {
        List<String> filters = names(s, "scheduler.enabled.filters");
        List<String> weighers = names(s, "scheduler.weighers");
        Map<String, Double> multipliers = multipliers(s.get("scheduler.weight.multipliers"));
        requireKnown("filter", filters, Filters.registry().names());
        requireKnown("weigher", weighers, Weighers.registry().names());
        requireKnown("weigher", List.copyOf(multipliers.keySet()), Weighers.registry().names());
        SchedulerConfig decisions = new SchedulerConfig(filters, weighers, multipliers,
                s.getInt("scheduler.max.attempts"), s.getInt("scheduler.max.io.ops.per.host"),
                s.getInt("scheduler.max.instances.per.host"),
                Duration.ofSeconds(s.getLong("scheduler.service.down.time.seconds")),
                Duration.ofSeconds(s.getLong("scheduler.claim.ttl.seconds")));
        return new SchedulerServiceConfig(s.get("bind.host"), s.getInt("scheduler.port"),
                Path.of(s.get("scheduler.map.file")), Path.of(s.get("scheduler.ledger.file")),
                s.getInt("scheduler.max.hosts"), s.getInt("scheduler.max.placements"),
                Duration.ofMillis(s.getLong("scheduler.refresh.ms")), s.get("scheduler.consumer.group"),
                decisions, s);
    }

    private static List<String> names(Settings s, String key) {
        return Arrays.stream(s.get(key).split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
    }

    /** {@code "RAMWeigher=1.0, IoOpsWeigher=-2"} -> a map, in order. */
    static Map<String, Double> multipliers(String value) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                m.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("scheduler.weight.multipliers must be Weigher=number pairs, not '"
                        + pair.trim() + "'");
            }
        }
        return m;
    }

    private static void requireKnown(String kind, List<String> names, List<String> known) {
        for (String name : names) {
            if (!known.contains(name)) {
                throw new UnknownPluginException(kind, name, known);
            }
        }
    }
}
