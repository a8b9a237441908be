package io.strato.common.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service as its own process: creates Vert.x, starts the service, and closes everything on SIGTERM or
 * Ctrl-C. A start-up failure is printed and exits with status 1.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  /** {@code start} deploys the service on the given Vert.x and completes when it serves. */
  public static void run(String name, Function<Vertx, Future<?>> start) {
    Vertx vertx = StratoVertx.create();
    try {
      start.apply(vertx).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("{} failed to start", name, e);
      vertx.close();
      System.exit(1);
    }
    LOG.info("{} started", name);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("{} stopping", name);
      vertx.close().onComplete(ar -> closed.countDown());
      try {
        closed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }));
  }
}
