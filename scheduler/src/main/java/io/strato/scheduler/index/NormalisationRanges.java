package io.strato.scheduler.index;

import io.strato.scheduler.weigher.WeightRanges;
import java.util.Map;

/** The ranges the stored weights were normalised with: over the fleet, and over each zone. */
record NormalisationRanges(WeightRanges fleet, Map<String, WeightRanges> byZone) {

    NormalisationRanges {
        byZone = Map.copyOf(byZone);
    }

    WeightRanges zone(String zone) {
        return byZone.getOrDefault(zone, fleet);
    }
}
