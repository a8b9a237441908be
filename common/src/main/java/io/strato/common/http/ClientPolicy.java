package io.strato.common.http;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How one Strato service calls another over HTTP ({@code http.client.*} keys): a connect timeout (the TCP connection
 * only), an answer timeout (no byte for that long fails the attempt, so a dependency that accepts and never answers
 * cannot hold a caller, and a long image download that keeps streaming is not cut), a pool of connections per
 * service, and, for idempotent calls only, bounded attempts with a doubling back-off. An optional deadline bounds the
 * whole call, retries included, for callers a user waits on.
 *
 * <p>A call that finds every pooled connection busy waits in the client's queue for at most the answer timeout. Vert.x
 * counts that wait against a request's connect timeout, so with the connect timeout there, a burst of calls larger
 * than the pool (a boot storm: one image look-up per boot) failed after 2 s in the queue, behind the caller's own
 * calls, and was reported as the service not answering, though it had answered every call it was sent.
 *
 * @param deadlineMs 0 for none; otherwise no attempt starts past this long after the call began, and the call fails
 *     then even if an attempt is still under way
 * @param poolSize connections to one service a client keeps at most
 */
public record ClientPolicy(long connectTimeoutMs, long timeoutMs, int attempts, long backoffMs, long deadlineMs,
    int poolSize) {

  public ClientPolicy {
    if (connectTimeoutMs <= 0 || timeoutMs <= 0 || attempts < 1 || backoffMs < 0 || deadlineMs < 0 || poolSize < 1) {
      throw new IllegalArgumentException("invalid HTTP client policy: connect " + connectTimeoutMs + " ms, timeout "
          + timeoutMs + " ms, " + attempts + " attempts, back-off " + backoffMs + " ms, deadline " + deadlineMs
          + " ms, pool " + poolSize);
    }
  }

  public static ClientPolicy from(Settings s) {
    return new ClientPolicy(s.getLong("http.client.connect.timeout.ms"), s.getLong("http.client.timeout.ms"),
        s.getInt("http.client.attempts"), s.getLong("http.client.backoff.ms"), 0, s.getInt("http.client.pool.size"));
  }

  /** The same policy for a call that must not be repeated (it is not idempotent): one attempt. */
  public ClientPolicy once() {
    return new ClientPolicy(connectTimeoutMs, timeoutMs, 1, backoffMs, deadlineMs, poolSize);
  }

  /** The same policy with the whole call, retries included, bounded by {@code ms}. */
  public ClientPolicy withDeadline(long ms) {
    return new ClientPolicy(connectTimeoutMs, Math.min(timeoutMs, ms), attempts, backoffMs, ms, poolSize);
  }

  /** The options of a client that calls with this policy: its TCP connect timeout, and its pool. */
  public WebClientOptions clientOptions() {
    return new WebClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs));
  }

  public PoolOptions poolOptions() {
    return new PoolOptions().setHttp1MaxSize(poolSize);
  }

  /** A client that calls with this policy ({@link #clientOptions}, {@link #poolOptions}). */
  public WebClient client(Vertx vertx) {
    return WebClient.create(vertx, clientOptions(), poolOptions());
  }

  /**
   * {@code request} with an answer timeout of at most {@code timeoutMs}, and as long to get a connection: a free one
   * from the pool (the wait behind the caller's own calls), or a new one (whose TCP connect has the connect timeout of
   * {@link #clientOptions}).
   */
  public <T> HttpRequest<T> bound(HttpRequest<T> request, long timeoutMs) {
    return request.connectTimeout(timeoutMs).idleTimeout(timeoutMs);
  }

  /**
   * Runs {@code attempt} (handed the answer timeout it must apply) until it succeeds, fails with something
   * {@code retryable} does not accept, the attempts are spent or the deadline has passed; answers the last failure.
   */
  public <T> Future<T> run(Vertx vertx, Function<Long, Future<T>> attempt, Predicate<Throwable> retryable) {
    if (deadlineMs == 0) return attempt(vertx, attempt, retryable, 1, Long.MAX_VALUE);
    // An attempt may wait up to its timeout for a connection and as long again for its answer: the timer keeps the
    // deadline a caller was promised.
    Promise<T> result = Promise.promise();
    long timer = vertx.setTimer(deadlineMs, t -> result.tryFail(new TimeoutException(
        "no answer within the deadline of " + deadlineMs + " ms")));
    attempt(vertx, attempt, retryable, 1, System.currentTimeMillis() + deadlineMs).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) result.tryComplete(ar.result());
      else result.tryFail(ar.cause());
    });
    return result.future();
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
    if (e instanceof TimeoutException && String.valueOf(e.getMessage()).contains("getting a connection")) {
      return "the " + service + " service did not take " + what + " within " + timeoutMs + " ms: all " + poolSize
          + " connections to it stayed busy" + (attempts > 1 ? " (up to " + attempts + " attempts)" : "");
    }
    if (e instanceof TimeoutException) {
      return "the " + service + " service did not answer " + what + " within " + timeoutMs + " ms"
          + (attempts > 1 ? " (up to " + attempts + " attempts)" : "");
    }
    return "the " + service + " service could not be reached for " + what + ": " + e.getMessage()
        + (attempts > 1 ? " (up to " + attempts + " attempts)" : "");
  }
}
