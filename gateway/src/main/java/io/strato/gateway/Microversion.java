package io.strato.gateway;

import io.strato.common.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compute API microversions: {@code OpenStack-API-Version: compute 2.x} (wins) or
 * {@code X-OpenStack-Nova-API-Version: 2.x}; none means 2.1, {@code latest} means {@link #MAX}; outside the range
 * answers 406. Every reply echoes the version used and {@code Vary}.
 *
 * <p>What changes between 2.1 and {@link #MAX} in the APIs Strato serves: 2.2 keypair {@code type} and 201/204
 * codes; 2.3 extended server attributes for admins; 2.9 {@code locked}; 2.13 server group project and user;
 * 2.15 soft (anti-)affinity policies; 2.16 {@code host_status}; 2.19 server {@code description}.
 */
public record Microversion(int major, int minor) implements Comparable<Microversion> {
  public static final Microversion MIN = new Microversion(2, 1);
  public static final Microversion MAX = new Microversion(2, 19);
  private static final String KEY = "microversion";
  private static final Pattern SHAPE = Pattern.compile("\\s*(\\d+)\\.(\\d+)\\s*");

  public static Microversion parse(String text) {
    if (text.trim().equalsIgnoreCase("latest")) return MAX;
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      throw ApiException.badRequest("Version " + text + " is not a valid microversion: it must be 'X.Y' or 'latest'.");
    }
    return new Microversion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** Route handler: works out the version, refuses what is outside the range, echoes it. */
  public static void handle(RoutingContext ctx) {
    Microversion v = MIN;
    String modern = ctx.request().getHeader("OpenStack-API-Version");
    String legacy = ctx.request().getHeader("X-OpenStack-Nova-API-Version");
    if (modern != null && modern.trim().toLowerCase().startsWith("compute ")) {
      v = parse(modern.trim().substring("compute ".length()));
    } else if (legacy != null) {
      v = parse(legacy);
    }
    ctx.response().putHeader("OpenStack-API-Version", "compute " + v)
        .putHeader("X-OpenStack-Nova-API-Version", v.toString())
        .putHeader("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
    if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
      throw new ApiException(406, "Version " + v + " is not supported by the API. Minimum is " + MIN
          + " and maximum is " + MAX + ".");
    }
    ctx.put(KEY, v);
    ctx.next();
  }

  public static Microversion of(RoutingContext ctx) {
    Microversion v = ctx.get(KEY);
    return v == null ? MIN : v;
  }

  public boolean atLeast(int minorVersion) {
    return major > 2 || minor >= minorVersion;
  }

  @Override
  public int compareTo(Microversion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
