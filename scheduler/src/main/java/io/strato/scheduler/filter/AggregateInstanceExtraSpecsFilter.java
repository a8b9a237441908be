package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.index.TagDictionary;
import io.strato.scheduler.request.RequestSpec;
import java.util.Map;

/**
 * Mirrors Nova's {@code AggregateInstanceExtraSpecsFilter}: every flavor extra spec that is
 * unscoped or scoped {@code aggregate_instance_extra_specs:} must be matched (with
 * {@link ExtraSpecMatcher}) by the metadata of one of the host's aggregates; a host without the
 * key fails. Extra specs of other scopes ({@code hw:}, {@code quota:}, ...) are ignored.
 */
public final class AggregateInstanceExtraSpecsFilter implements HostFilter {

    static final String SCOPE = "aggregate_instance_extra_specs";

    @Override
    public String name() {
        return "AggregateInstanceExtraSpecsFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        for (Map.Entry<String, String> spec : request.flavor().extraSpecs().entrySet()) {
            String key = aggregateKey(spec.getKey());
            if (key != null && !host.traits().anyAggregateValue(key, value -> ExtraSpecMatcher.matches(value, spec.getValue()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        for (Map.Entry<String, String> spec : request.flavor().extraSpecs().entrySet()) {
            String key = aggregateKey(spec.getKey());
            if (key != null && !host.traits().anyAggregateValue(key, value -> ExtraSpecMatcher.matches(value, spec.getValue()))) {
                return host.traits().hasAggregateKey(key)
                        ? "no aggregate of the host has " + key + " matching '" + spec.getValue() + "'"
                        : "no aggregate of the host has metadata " + key;
            }
        }
        return "";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        for (Map.Entry<String, String> spec : request.flavor().extraSpecs().entrySet()) {
            String key = aggregateKey(spec.getKey());
            if (key != null && ExtraSpecMatcher.isPlain(spec.getValue())) {
                bounds.requireTag(TagDictionary.aggregate(key, spec.getValue()));
            }
        }
    }

    /** The aggregate metadata key an extra spec asks about, or null when it is for another scope. */
    static String aggregateKey(String extraSpecKey) {
        int colon = extraSpecKey.indexOf(':');
        if (colon < 0) {
            return extraSpecKey;
        }
        return extraSpecKey.substring(0, colon).equals(SCOPE) ? extraSpecKey.substring(colon + 1) : null;
    }
}
