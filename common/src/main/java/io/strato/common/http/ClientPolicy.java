package io.strato.common.http;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.client.HttpRequest;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How one Strato service calls another over HTTP ({@code http.client.*} keys): a connect timeout, an answer timeout
 * (no byte for that long fails the attempt, so a dependency that accepts and never answers cannot hold a caller, and
 * a long image download that keeps streaming is not cut), and, for idempotent calls only, bounded attempts with a
 * doubling back-off. An optional deadline bounds the whole call, retries included, for callers a user waits on.
 *
 * @param deadlineMs 0 for none; otherwise no attempt starts, or runs, past this long after the call began
 */
public record ClientPolicy(long connectTimeoutMs, long timeoutMs, int attempts, long backoffMs, long deadlineMs) {

  public ClientPolicy {
    if (connectTimeoutMs <= 0 || timeoutMs <= 0 || attempts < 1 || backoffMs < 0 || deadlineMs < 0) {
      throw new IllegalArgumentException("invalid HTTP client policy: connect " + connectTimeoutMs + " ms, timeout "
          + timeoutMs + " ms, " + attempts + " attempts, back-off " + backoffMs + " ms, deadline " + deadlineMs + " ms");
    }
  }

  public static ClientPolicy from(Settings s) {
    return new ClientPolicy(s.getLong("http.client.connect.timeout.ms"), s.getLong("http.client.timeout.ms"),
        s.getInt("http.client.attempts"), s.getLong("http.client.backoff.ms"), 0);
  }

  /** The same policy for a call that must not be repeated (it is not idempotent): one attempt. */
  public ClientPolicy once() {
    return new ClientPolicy(connectTimeoutMs, timeoutMs, 1, backoffMs, deadlineMs);
  }

  /** The same policy with the whole call, retries included, bounded by {@code ms}. */
  public ClientPolicy withDeadline(long ms) {
    return new ClientPolicy(connectTimeoutMs, Math.min(timeoutMs, ms), attempts, backoffMs, ms);
  }

  /** {@code request} with this policy's connect timeout and an answer timeout of at most {@code timeoutMs}. */
  public <T> HttpRequest<T> bound(HttpRequest<T> request, long timeoutMs) {
    return request.connectTimeout(Math.min(connectTimeoutMs, timeoutMs)).idleTimeout(timeoutMs);
  }

  /**
   * Runs {@code attempt} (handed the answer timeout it must apply) until it succeeds, fails with something
   * {@code retryable} does not accept, the attempts are spent or the deadline has passed; answers the last failure.
   */
  public <T> Future<T> run(Vertx vertx, Function<Long, Future<T>> attempt, Predicate<Throwable> retryable) {
    long deadline = deadlineMs == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + deadlineMs;
    return attempt(vertx, attempt, retryable, 1, deadline);
  }

  private <T> Future<T> attempt(Vertx vertx, Function<Long, Future<T>> attempt, Predicate<Throwable> retryable,
      int n, long deadline) {
    long left = deadline - System.currentTimeMillis();
    return attempt.apply(Math.max(1, Math.min(timeoutMs, left))).recover(e -> {
      long wait = backoffMs << Math.min(n - 1, 16);
      if (n >= attempts || !retryable.test(e) || System.currentTimeMillis() + wait >= deadline) {
        return Future.failedFuture(e);
      }
      Promise<T> later = Promise.promise();
      vertx.setTimer(Math.max(1, wait), t -> attempt(vertx, attempt, retryable, n + 1, deadline).onComplete(later));
      return later.future();
    });
  }

  /** True for a failure of the transport: no connection, a timeout, a connection closed before the answer. */
  public static boolean transportFailure(Throwable e) {
    return e instanceof TimeoutException || e instanceof IOException || e instanceof HttpClosedException;
  }

  /** Says what went wrong with a transport failure, naming {@code service}, for faults and logs. */
  public String describe(String service, String what, Throwable e) {
    if (e instanceof TimeoutException) {
      return "the " + service + " service did not answer " + what + " within " + timeoutMs + " ms"
          + (attempts > 1 ? " (up to " + attempts + " attempts)" : "");
    }
    return "the " + service + " service could not be reached for " + what + ": " + e.getMessage()
        + (attempts > 1 ? " (up to " + attempts + " attempts)" : "");
  }
}
