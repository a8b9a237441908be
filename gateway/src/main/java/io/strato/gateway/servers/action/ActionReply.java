package io.strato.gateway.servers.action;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an action answers: a status, an optional JSON body and headers (a snapshot's {@code Location}). */
public record ActionReply(int status, JsonObject body, Map<String, String> headers) {
  /** Nova's usual answer to an action: 202 with no body. */
  public static final ActionReply ACCEPTED = new ActionReply(202, null, Map.of());

  public static ActionReply status(int status) {
    return new ActionReply(status, null, Map.of());
  }

  public static ActionReply json(int status, JsonObject body) {
    return new ActionReply(status, body, Map.of());
  }

  public ActionReply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ActionReply(status, body, Map.copyOf(more));
  }

  void send(RoutingContext ctx) {
    headers.forEach(ctx.response()::putHeader);
    ctx.response().setStatusCode(status);
    if (body == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
    }
  }
}
