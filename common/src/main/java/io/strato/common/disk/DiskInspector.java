package io.strato.common.disk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;

/**
 * Inspects disk images ({@link DiskInspection}) on a named worker pool of {@code disk.inspect.workers} threads, never
 * on an event loop; inspections of different files run side by side (unordered). Every service that takes an image
 * from a tenant holds one; in one process they share the pool, which closes with the verticle that made it.
 */
public final class DiskInspector {
  static final String POOL = "strato-disk-inspector";
  private final WorkerExecutor workers;
  private final InspectionLimits limits;

  public DiskInspector(Vertx vertx, InspectionLimits limits) {
    this.limits = limits;
    this.workers = vertx.createSharedWorkerExecutor(POOL, limits.workers());
  }

  /**
   * What the file really is, if it may be used as {@code declaredFormat}; fails with {@link DiskRefusedException}
   * when it must not be, or another exception when it could not be inspected.
   */
  public Future<DiskInfo> inspect(Path file, String declaredFormat) {
    return workers.executeBlocking(() -> DiskInspection.inspect(file, declaredFormat, limits), false);
  }
}
