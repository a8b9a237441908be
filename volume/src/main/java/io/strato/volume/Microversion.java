package io.strato.volume;

import io.strato.common.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Block storage microversions: {@code OpenStack-API-Version: volume 3.x} (possibly one entry of a comma-separated
 * list naming several services); none means 3.0, {@code latest} means {@link #MAX}; a malformed version answers 400,
 * one outside 3.0..3.71 answers 406. Every reply echoes the version used and {@code Vary}.
 *
 * <p>What changes in what Strato serves: 3.13 {@code group_id}; 3.27 the attachments API; 3.44 {@code os-complete};
 * 3.48 {@code shared_targets} and {@code service_uuid}; 3.63 {@code volume_type_id}; 3.65 {@code consumes_quota}.
 */
public record Microversion(int major, int minor) implements Comparable<Microversion> {
  public static final Microversion MIN = new Microversion(3, 0);
  public static final Microversion MAX = new Microversion(3, 71);
  public static final String HEADER = "OpenStack-API-Version";
  private static final String SERVICE = "volume";
  private static final String KEY = "volume.microversion";
  private static final Pattern SHAPE = Pattern.compile("\\s*(\\d{1,4})\\.(\\d{1,4})\\s*");

  /** {@code 3.x} or {@code latest}; 400 for anything else. */
  public static Microversion parse(String text) {
    if (text.trim().equalsIgnoreCase("latest")) return MAX;
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      throw ApiException.badRequest("API Version String " + text.trim() + " is of invalid format. Must be of format"
          + " MajorNum.MinorNum.");
    }
    return new Microversion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** The version a header asks for, or {@link #MIN} when it names none for {@code volume}. */
  static Microversion requested(String header) {
    if (header == null) return MIN;
    for (String entry : header.split(",")) {
      String e = entry.trim();
      int space = e.indexOf(' ');
      if (space > 0 && e.substring(0, space).equalsIgnoreCase(SERVICE)) return parse(e.substring(space + 1));
    }
    return MIN;
  }

  /** Route handler: works out the version, refuses what is outside the range, echoes it. */
  public static void handle(RoutingContext ctx) {
    ctx.response().putHeader("Vary", HEADER);
    Microversion v = requested(ctx.request().getHeader(HEADER));
    ctx.response().putHeader(HEADER, SERVICE + " " + v);
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

  /** 404 as Cinder answers a method that does not exist at the requested version. */
  public static void require(RoutingContext ctx, int minorVersion) {
    if (!of(ctx).atLeast(minorVersion)) {
      throw ApiException.notFound("The resource could not be found (it needs microversion 3." + minorVersion
          + " or later).");
    }
  }

  public boolean atLeast(int minorVersion) {
    return major > 3 || minor >= minorVersion;
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
