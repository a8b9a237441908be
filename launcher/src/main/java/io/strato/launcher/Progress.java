package io.strato.launcher;

import java.io.PrintStream;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** What {@code ./strato run} is doing, one line a phase with the time it took, on standard error. */
final class Progress {
  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  /** Runs {@code phase}, then says how long {@code what} took. */
  <T> T step(String what, Callable<T> phase) throws Exception {
    long start = System.nanoTime();
    T result = phase.call();
    done(what, start);
    return result;
  }

  /** Starts {@code phase}, and says how long {@code what} took once its future completed. */
  <T> Future<T> timed(String what, Supplier<Future<T>> phase) {
    long start = System.nanoTime();
    return phase.get().onSuccess(r -> done(what, start));
  }

  private void done(String what, long start) {
    out.printf("strato: %-28s %6.1f s%n", what + " started", (System.nanoTime() - start) / 1e9);
  }
}
