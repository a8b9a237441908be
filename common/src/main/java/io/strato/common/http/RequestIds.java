package io.strato.common.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an OpenStack request id ({@code req-<uuid>}), echoes it in {@code x-openstack-request-id}
 * (and Nova's older {@code x-compute-request-id}), and writes one access-log line carrying it when the reply ends.
 * A caller-supplied id of the right shape is kept, so a request can be traced across services.
 */
public final class RequestIds {
  public static final String HEADER = "x-openstack-request-id";
  public static final String KEY = "requestId";
  private static final Pattern VALID = Pattern.compile("req-[0-9a-f-]{36}");
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
    String id = given != null && VALID.matcher(given).matches() ? given : newId();
    ctx.put(KEY, id);
    long start = System.nanoTime();
    ctx.response().putHeader(HEADER, id);
    if ("compute".equals(service)) ctx.response().putHeader("x-compute-request-id", id);
    ctx.addBodyEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      if (ACCESS.isInfoEnabled() && !INTERNAL.matcher(ctx.request().path()).matches()) {
        ACCESS.info("[{}] {} {} {} {} {}ms", id, service, ctx.request().method(), ctx.request().uri(), status,
            (System.nanoTime() - start) / 1_000_000);
      }
    });
    ctx.next();
  }
}
