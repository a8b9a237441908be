package io.strato.volume;

import io.strato.volume.backend.FileBackend;
import io.strato.volume.snapshots.Snapshots;
import io.strato.volume.snapshots.SnapshotsApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what a process killed mid-way left behind, so no volume stays in a transient status forever: a volume
 * {@code creating} for longer than {@code stuckAfter} becomes {@code error} (its partial file goes when it is
 * deleted); one {@code deleting} for that long has its file and row removed and its quota given back. Runs every
 * tenth of {@code stuckAfter} (between 1 s and 1 min). Snapshots are reaped the same way. Safe with several replicas: every step is a compare-and-set.
 *
 * <p>NOTE: a from-image copy still running after {@code stuckAfter} is failed too; keep the setting well above the
 * longest copy. {@code extending} is not reaped (the target size is not kept); an admin's {@code os-reset_status}
 * ends it.
 */
public final class VolumeReaper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeReaper.class);
  private final Volumes volumes;
  private final FileBackend backend;
  private final Snapshots snapshots;
  private final SnapshotsApi snapshotsApi;
  private final Duration stuckAfter;
  private long timer = -1;

  public VolumeReaper(Volumes volumes, FileBackend backend, Snapshots snapshots, SnapshotsApi snapshotsApi,
      Duration stuckAfter) {
    this.volumes = volumes;
    this.snapshots = snapshots;
    this.snapshotsApi = snapshotsApi;
    this.backend = backend;
    this.stuckAfter = stuckAfter;
  }

  @Override
  public Future<?> start() {
    long every = Math.max(1000, Math.min(60_000, stuckAfter.toMillis() / 10));
    timer = vertx.setPeriodic(every, t -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    volumes.failStuckCreates(stuckAfter).onSuccess(n -> {
      if (n > 0) LOG.warn("{} volume(s) stuck in creating for over {} are now in error", n, stuckAfter);
    });
    volumes.stuckDeletes(stuckAfter).onSuccess(ids -> ids.forEach(id -> backend.delete(id)
        .compose(v -> volumes.purge(id))
        .onSuccess(done -> LOG.info("finished deleting volume {}", id))
        .onFailure(e -> LOG.warn("volume {} still cannot be deleted: {}", id, e.toString()))));
    snapshots.failStuckCreates(stuckAfter).onSuccess(n -> {
      if (n > 0) LOG.warn("{} snapshot(s) stuck in creating for over {} are now in error", n, stuckAfter);
    });
    snapshots.stuckDeletes(stuckAfter).onSuccess(ids -> ids.forEach(snapshotsApi::purge));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
