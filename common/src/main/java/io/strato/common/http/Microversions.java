package io.strato.common.http;

import io.vertx.ext.web.RoutingContext;

/**
 * One API's microversion range and the route handler that applies it: {@code OpenStack-API-Version: <service> X.Y}
 * (one entry of a possibly comma-separated list; it wins) or the API's legacy header; none means the minimum,
 * {@code latest} the maximum; a malformed version answers 400, one outside the range 406. Every reply echoes the
 * version used and {@code Vary}.
 */
public final class Microversions {
  public static final String HEADER = "OpenStack-API-Version";
  private final String service;
  private final ApiVersion min;
  private final ApiVersion max;
  private final String legacyHeader;
  private final String key;

  /** {@code legacyHeader} may be null (Cinder has none; Nova has {@code X-OpenStack-Nova-API-Version}). */
  public Microversions(String service, ApiVersion min, ApiVersion max, String legacyHeader) {
    this.service = service;
    this.min = min;
    this.max = max;
    this.legacyHeader = legacyHeader;
    this.key = "microversion." + service;
  }

  public ApiVersion min() {
    return min;
  }

  public ApiVersion max() {
    return max;
  }

  /** The version a request asks for. */
  public ApiVersion requested(String modern, String legacy) {
    if (modern != null) {
      for (String entry : modern.split(",")) {
        String e = entry.trim();
        int space = e.indexOf(' ');
        if (space > 0 && e.substring(0, space).equalsIgnoreCase(service)) return resolve(e.substring(space + 1));
      }
    }
    if (legacy != null) return resolve(legacy);
    return min;
  }

  private ApiVersion resolve(String text) {
    return text.trim().equalsIgnoreCase("latest") ? max : ApiVersion.parse(text);
  }

  /** Route handler: works out the version, echoes it, refuses what is outside the range. */
  public void handle(RoutingContext ctx) {
    String vary = legacyHeader == null ? HEADER : HEADER + ", " + legacyHeader;
    ctx.response().putHeader("Vary", vary);
    ApiVersion v = requested(ctx.request().getHeader(HEADER),
        legacyHeader == null ? null : ctx.request().getHeader(legacyHeader));
    ctx.response().putHeader(HEADER, service + " " + v);
    if (legacyHeader != null) ctx.response().putHeader(legacyHeader, v.toString());
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new ApiException(406, "Version " + v + " is not supported by the API. Minimum is " + min
          + " and maximum is " + max + ".");
    }
    ctx.put(key, v);
    ctx.next();
  }

  /** The version of this request (the minimum when the handler did not run). */
  public ApiVersion of(RoutingContext ctx) {
    ApiVersion v = ctx.get(key);
    return v == null ? min : v;
  }
}
