package io.strato.scheduler.index;

import io.strato.scheduler.host.HostState;

/** A host that passed every filter, with its weight and the exact state the filters approved. */
public record Candidate(HostState host, double weight) {
}
