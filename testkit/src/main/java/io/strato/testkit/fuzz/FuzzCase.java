package io.strato.testkit.fuzz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;

/**
 * One mutated request and what it must not get.
 *
 * @param mustRefuse the request is invalid for sure (wrong kind of value, unknown field, junk token, not JSON):
 *     a 2xx for it is a bug
 */
record FuzzCase(Operation operation, String mutation, HttpMethod method, String uri, Map<String, String> headers,
    Buffer body, boolean mustRefuse) {

  @Override
  public String toString() {
    String text = body == null ? "" : body.length() > 300 ? body.getString(0, 300) + "...(" + body.length() + " bytes)"
        : body.toString();
    Map<String, String> shown = new java.util.TreeMap<>(headers);
    shown.computeIfPresent("X-Auth-Token", (k, v) -> v.length() > 16 ? v.substring(0, 16) + "...(" + v.length()
        + ")" : v);
    return operation.name() + " [" + mutation + "] " + method + " " + (uri.length() > 200 ? uri.substring(0, 200)
        + "..." : uri) + " " + shown + " " + text;
  }
}
