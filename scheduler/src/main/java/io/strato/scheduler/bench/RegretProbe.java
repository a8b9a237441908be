package io.strato.scheduler.bench;

import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.HostIndex;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.weigher.WeighingPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nova's exact answer for a request, by brute force: every host through every filter, the
 * passing ones weighed with normalisation over exactly them. Used outside the timed section to
 * measure how far the chosen host's weight falls below the best.
 */
final class RegretProbe {

    private final HostIndex index;
    private final List<HostFilter> filters;
    private final WeighingPipeline pipeline;
    private double regretSum;
    private int samples;

    RegretProbe(HostIndex index, List<HostFilter> filters) {
        this.index = index;
        this.filters = filters;
        this.pipeline = index.pipeline();
    }

    /** Nova's weight of every passing host, computed before the decision. */
    Map<String, Double> exactWeights(RequestSpec request) {
        List<HostState> passing = new ArrayList<>();
        for (HostState host : index.hosts()) {
            if (passesAll(host, request)) {
                passing.add(host);
            }
        }
        double[] weights = pipeline.weighAll(passing);
        Map<String, Double> byHost = new HashMap<>(passing.size() * 2);
        for (int i = 0; i < weights.length; i++) {
            byHost.put(passing.get(i).name(), weights[i]);
        }
        return byHost;
    }

    void record(Map<String, Double> weights, String chosenHost) {
        double best = weights.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Double chosen = weights.get(chosenHost);
        if (chosen == null) {
            throw new IllegalStateException("chose " + chosenHost + ", which does not pass the filters");
        }
        regretSum += best == 0 ? 0 : (best - chosen) / Math.abs(best) * 100.0;
        samples++;
    }

    double averageRegretPct() {
        return samples == 0 ? 0 : regretSum / samples;
    }

    int samples() {
        return samples;
    }

    private boolean passesAll(HostState host, RequestSpec request) {
        for (HostFilter filter : filters) {
            if (!filter.passes(host, request)) {
                return false;
            }
        }
        return true;
    }
}
