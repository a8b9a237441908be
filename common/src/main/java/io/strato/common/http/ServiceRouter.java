package io.strato.common.http;

import io.strato.common.logging.RequestContext;
import io.strato.common.service.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router every Strato API starts from: request ids and access log, a bounded body, {@code /healthz},
 * {@code /readyz}, {@code /metrics}, and one failure handler that turns every failure into the API's fault body.
 * A service adds its routes, one line each.
 */
public final class ServiceRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRouter.class);

  /** How much of an unread body is drained after an early answer, and for how long, before the connection closes. */
  // NOTE: constants, not settings: large enough for any body the APIs buffer (http.max.body.bytes) and for a client
  // on a slow link to see its answer; an image upload refused early is cut off after 16 MiB.
  static final long DRAIN_BYTES = 16L * 1024 * 1024;
  static final long DRAIN_MS = 10_000;

  private ServiceRouter() {}

  public static Router create(Vertx vertx, String service, FaultFormat format, long maxBodyBytes,
      Readiness readiness) {
    return create(vertx, service, format, maxBodyBytes, readiness, null);
  }

  /**
   * As above; requests whose path matches {@code streamingPaths} (a regular expression) are not buffered, so their
   * handler can stream the body (image uploads).
   */
  public static Router create(Vertx vertx, String service, FaultFormat format, long maxBodyBytes,
      Readiness readiness, Pattern streamingPaths) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> RequestIds.handle(ctx, service));
    router.route().handler(ServiceRouter::drainAfterAnswer);
    // The query is decoded once, here: a malformed one ("%zz") answers 400 now, not from inside a handler's
    // callback (where it would throw with nobody left to reply).
    router.route().handler(ctx -> {
      ctx.queryParams();
      ctx.next();
    });
    router.get("/healthz").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> ready(ctx, readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.route().handler(ctx -> {
      if (streamingPaths != null && streamingPaths.matcher(ctx.request().path()).matches()) {
        ctx.next();
      } else {
        bodies.handle(ctx);
      }
    });
    router.route().failureHandler(ctx -> fail(ctx, format));
    router.errorHandler(404, ctx -> fault(ctx, format, 404, null, "The resource could not be found."));
    router.errorHandler(405, ctx -> fault(ctx, format, 405, null, "The method is not allowed for this resource."));
    return router;
  }

  /**
   * An answer sent before the request body was read (401, 413, 404, 415) must still reach a client that sends its
   * whole body before it reads (python-requests, so the openstack CLI): closing at once makes the kernel reset the
   * connection with the answer unread, and a request left paused (a streaming upload) blocks that client for ever.
   * So the rest of the body is read and dropped, up to {@link #DRAIN_BYTES} or {@link #DRAIN_MS}, then the
   * connection is closed (nginx's lingering close).
   */
  private static void drainAfterAnswer(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      HttpServerRequest req = ctx.request();
      if (req.isEnded()) return;
      long[] drained = {0};
      long timer = ctx.vertx().setTimer(DRAIN_MS, t -> req.connection().close());
      req.handler(chunk -> {
        drained[0] += chunk.length();
        if (drained[0] > DRAIN_BYTES) {
          ctx.vertx().cancelTimer(timer);
          req.connection().close();
        }
      });
      req.endHandler(end -> ctx.vertx().cancelTimer(timer));
      req.exceptionHandler(e -> ctx.vertx().cancelTimer(timer));
      req.resume();
    });
    ctx.next();
  }

  private static void ready(RoutingContext ctx, Readiness readiness) {
    var waiting = readiness.waitingFor();
    if (waiting.isEmpty()) {
      Replies.json(ctx, 200, new JsonObject().put("status", "ready"));
    } else {
      Replies.json(ctx, 503, new JsonObject().put("status", "starting").put("waiting_for", waiting));
    }
  }

  private static void fail(RoutingContext ctx, FaultFormat format) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException e) {
      fault(ctx, format, e.status(), e.type(), e.getMessage());
    } else if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // SQL "data exception" (bad regular expression, value out of range): the caller's input was wrong.
      fault(ctx, format, 400, null, "Invalid input: " + pg.getErrorMessage());
    } else if (failure instanceof HttpException h && h.getStatusCode() >= 400 && h.getStatusCode() < 500) {
      // Vert.x Web's own refusals (a query that is not percent-encoding, a body over the limit).
      fault(ctx, format, h.getStatusCode(), null, h.getStatusCode() == 413 ? "Request is too large."
          : h.getPayload() != null ? h.getPayload() : FaultFormat.title(h.getStatusCode()));
    } else if (failure == null && ctx.statusCode() == 413) {
      fault(ctx, format, 413, null, "Request is too large.");
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      fault(ctx, format, ctx.statusCode(), null, FaultFormat.title(ctx.statusCode()));
    } else {
      LOG.atError().addKeyValue(RequestContext.LOG_KEY, RequestIds.of(ctx)).setCause(failure)
          .log("unexpected failure on {} {}", ctx.request().method(), ctx.request().path());
      fault(ctx, format, 500, null, "Unexpected API Error. Please report this at your cloud's operator "
          + "with the request id " + RequestIds.of(ctx) + ".");
    }
  }

  private static void fault(RoutingContext ctx, FaultFormat format, int status, String type, String message) {
    if (ctx.response().ended()) return;
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Replies.json(ctx, status, format.body(status, type, message));
  }
}
