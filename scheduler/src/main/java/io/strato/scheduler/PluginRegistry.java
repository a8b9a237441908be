package io.strato.scheduler;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Maps configuration names to factories of filters or weighers (kube-scheduler's registry,
 * Nova's class-name loading), so configuration chooses and orders them by name.
 */
public final class PluginRegistry<T> {

    private final String kind;
    private final Map<String, BiFunction<SchedulerConfig, Clock, T>> factories = new LinkedHashMap<>();

    public PluginRegistry(String kind) {
        this.kind = kind;
    }

    public PluginRegistry<T> register(String name, BiFunction<SchedulerConfig, Clock, T> factory) {
        if (factories.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException(kind + " '" + name + "' is registered twice");
        }
        return this;
    }

    /**
     * Builds the named plugins in the given order.
     *
     * @throws UnknownPluginException for a name nothing is registered under, listing the known names
     */
    public List<T> create(List<String> names, SchedulerConfig config, Clock clock) {
        List<T> plugins = new ArrayList<>(names.size());
        for (String name : names) {
            BiFunction<SchedulerConfig, Clock, T> factory = factories.get(name);
            if (factory == null) {
                throw new UnknownPluginException(kind, name, factories.keySet());
            }
            plugins.add(factory.apply(config, clock));
        }
        return plugins;
    }

    public List<String> names() {
        return List.copyOf(factories.keySet());
    }
}
