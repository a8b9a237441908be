package io.strato.common.logging;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.client.HttpRequest;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The request id of the work the current Vert.x context does, as oslo.context keeps a request's ids for its log
 * lines: an HTTP request and a consumed Kafka record each run on a duplicated context of their own, and the id is
 * stored in that context's local data, so every callback of that request sees it (an MDC for Vert.x, where a thread
 * serves many requests at once). Calls to other services carry it in {@code X-OpenStack-Request-ID}, which they accept
 * as the global request id, so one id finds a boot in every service's log.
 */
public final class RequestContext {
  /** OpenStack's header for the request id, sent by a caller to name the request it acts for (the global id). */
  public static final String HEADER = "X-OpenStack-Request-ID";
  /** oslo.middleware's shape of an acceptable inbound id: {@code req-} and a lower-case UUID. */
  private static final Pattern VALID =
      Pattern.compile("req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String KEY = "strato.request.id";
  /** A log line's key-value pair naming its request explicitly; it wins over the context's id. */
  public static final String LOG_KEY = "request_id";

  private RequestContext() {}

  /** True when {@code id} may be taken from a caller as the request's id. */
  public static boolean valid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /** The request id of the code running now, or null outside a request. */
  public static String current() {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.isDuplicate()) return null;
    Object id = ctx.localContextData().get(KEY);
    return id instanceof String s ? s : null;
  }

  /**
   * Records {@code id} for the rest of the current request. Only a request's own (duplicated) context takes it: a
   * verticle's shared context serves every request and must not carry one request's id into the others.
   */
  public static void set(String id) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx != null && ctx.isDuplicate() && id != null) ctx.localContextData().put(KEY, id);
  }

  /** Runs {@code work} on a fresh duplicated context of the current one that carries {@code id} (or none). */
  public static <T> Future<T> within(Vertx vertx, String id, Supplier<Future<T>> work) {
    ContextInternal dup = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    if (id != null) dup.localContextData().put(KEY, id);
    Future<T>[] result = new Future[1];
    dup.dispatch(() -> {
      try {
        result[0] = work.get();
      } catch (RuntimeException e) {
        result[0] = Future.failedFuture(e);
      }
    });
    return result[0];
  }

  /** {@code headers} with the current request id as the global request id, when there is one. */
  public static MultiMap propagate(MultiMap headers) {
    String id = current();
    if (id != null) headers.set(HEADER, id);
    return headers;
  }

  /** {@code request} with the current request id as the global request id, when there is one. */
  public static <T> HttpRequest<T> propagate(HttpRequest<T> request) {
    String id = current();
    if (id != null) request.putHeader(HEADER, id);
    return request;
  }
}
