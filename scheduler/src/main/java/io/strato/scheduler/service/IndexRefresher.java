package io.strato.scheduler.service;

import io.strato.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link Scheduler#refreshIndex()} every {@code scheduler.refresh.ms}: weights re-normalised as hosts fill,
 * silent hosts dropped from searches. Deploy as a worker: a refresh is O(hosts x request classes). The next run is
 * timed from the end of the last, so slow refreshes never pile up.
 */
final class IndexRefresher extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRefresher.class);

    private final Scheduler scheduler;
    private final Duration interval;
    private volatile boolean running;

    IndexRefresher(Scheduler scheduler, Duration interval) {
        this.scheduler = scheduler;
        this.interval = interval;
    }

    @Override
    public Future<?> start() {
        running = true;
        next();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        running = false;
        return Future.succeededFuture();
    }

    private void next() {
        vertx.setTimer(interval.toMillis(), id -> {
            if (!running) {
                return;
            }
            try {
                scheduler.refreshIndex();
            } catch (RuntimeException e) {
                LOG.error("refreshing the host index failed; decisions use the previous one", e);
            }
            next();
        });
    }
}
