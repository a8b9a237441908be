package io.strato.common.http;

import io.vertx.ext.web.RoutingContext;
import io.strato.common.logging.RequestContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an OpenStack request id ({@code req-<uuid>}), echoes it in {@code x-openstack-request-id}
 * (and Nova's older {@code x-compute-request-id}), and writes one access-log line carrying it when the reply ends.
 * A caller-supplied id of oslo.middleware's shape (the global request id another service sends for the request it
 * acts for, {@link RequestContext#HEADER}) is kept, so a boot is traced across services with one id; the id is also
 * the request's {@link RequestContext}, so every log line written for it carries it.
 */
public final class RequestIds {
  public static final String HEADER = "x-openstack-request-id";
  public static final String KEY = "requestId";
  private static final Logger ACCESS = LoggerFactory.getLogger("strato.access");
  /** Polled by machines every few seconds: not worth a log line each. */
  private static final Pattern INTERNAL = Pattern.compile("/metrics|/healthz|/readyz|/v3/OS-REVOKE/events");

  private RequestIds() {}

  public static String newId() {
    return "req-" + UUID.randomUUID();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "-";
  }

  /** Route handler: assign the id, put it on the reply, log the request when the reply is sent. */
  public static void handle(RoutingContext ctx, String service) {
    String given = ctx.request().getHeader(HEADER);
    String id = RequestContext.valid(given) ? given : newId();
    ctx.put(KEY, id);
    RequestContext.set(id);
    long start = System.nanoTime();
    ctx.response().putHeader(HEADER, id);
    if ("compute".equals(service)) ctx.response().putHeader("x-compute-request-id", id);
    ctx.addBodyEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      if (ACCESS.isInfoEnabled() && !INTERNAL.matcher(ctx.request().path()).matches()) {
        // The id goes with the line itself: a reply may be sent from another request's callback (a group commit).
        ACCESS.atInfo().addKeyValue(RequestContext.LOG_KEY, id).log("{} {} {} {} {}ms", service,
            ctx.request().method(), ctx.request().uri(), status, (System.nanoTime() - start) / 1_000_000);
      }
    });
    ctx.next();
  }
}
