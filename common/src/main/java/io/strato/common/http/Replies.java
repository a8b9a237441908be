package io.strato.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small helpers to answer JSON and to read a validated JSON body. */
public final class Replies {
  private Replies() {}

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
  }

  public static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  /**
   * The request body as a JSON object with the given top-level member (e.g. {@code "server"}); 400 when the body
   * is not JSON, not an object, or lacks the member.
   */
  public static JsonObject body(RoutingContext ctx, String member) {
    JsonObject whole = bodyObject(ctx);
    Object inner = whole.getValue(member);
    if (!(inner instanceof JsonObject o)) {
      throw ApiException.badRequest("The request body must have a '" + member + "' object.");
    }
    return o;
  }

  /** The request body as a JSON object; 400 when it is missing or malformed. */
  public static JsonObject bodyObject(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) throw ApiException.badRequest("The request body is empty.");
    String text = buffer.toString().stripLeading();
    if (text.isEmpty()) throw ApiException.badRequest("The request body is empty.");
    if (!text.startsWith("{")) {
      throw ApiException.badRequest(text.startsWith("[") || text.startsWith("\"") || Character.isDigit(text.charAt(0))
          ? "The request body must be a JSON object." : "Malformed request body: it is not valid JSON.");
    }
    try {
      return new JsonObject(buffer);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("Malformed request body: it is not valid JSON.");
    }
  }

  public static JsonArray array(Iterable<JsonObject> items) {
    JsonArray a = new JsonArray();
    items.forEach(a::add);
    return a;
  }
}
