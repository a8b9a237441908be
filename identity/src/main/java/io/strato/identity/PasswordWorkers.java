package io.strato.identity;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password hashing and checking on a named pool of {@code identity.password.workers} threads of its own, unordered,
 * so logins hash in parallel and never wait behind each other on one thread (Vert.x 5's
 * {@code executeBlocking(callable)} is ordered per context). At most {@code identity.password.queue} more wait for a
 * thread; past that a login is answered 503 at once instead of queueing for ever behind a burst.
 */
final class PasswordWorkers {
  private final PasswordHasher hasher;
  private final WorkerExecutor executor;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  PasswordWorkers(Vertx vertx, PasswordHasher hasher, int workers, int queue) {
    if (workers < 1 || queue < 0) {
      throw new IllegalArgumentException("identity.password.workers must be >= 1 and identity.password.queue >= 0");
    }
    this.hasher = hasher;
    this.executor = vertx.createSharedWorkerExecutor("strato-identity-passwords", workers);
    this.capacity = workers + queue;
  }

  PasswordHasher hasher() {
    return hasher;
  }

  Future<String> hash(String password) {
    return submit(() -> hasher.hash(password));
  }

  Future<Boolean> matches(String password, String stored) {
    return submit(() -> hasher.matches(password, stored));
  }

  private <T> Future<T> submit(Callable<T> work) {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return Future.failedFuture(new ApiException(503, "The identity service is busy checking passwords; "
          + "retry shortly."));
    }
    return executor.executeBlocking(work, false).onComplete(r -> admitted.decrementAndGet());
  }

  Future<Void> close() {
    return executor.close();
  }
}
