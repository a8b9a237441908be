package io.strato.scheduler;

import java.util.List;

/** The outcome of scheduling a request: every instance placed, or none. */
public sealed interface ScheduleResult {

    /** Every instance of the request, in request order, with resources claimed on its host. */
    record Scheduled(List<Placement> placements) implements ScheduleResult {
        public Scheduled {
            placements = List.copyOf(placements);
        }
    }

    /**
     * No placement for the whole request; nothing stays claimed. {@code message} is the fault
     * message for the instances: "No valid host was found. " and how many hosts each filter removed.
     */
    record NoValidHost(String message) implements ScheduleResult {
    }
}
