package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.http.Microversions;
import io.vertx.ext.web.RoutingContext;

/**
 * Block storage microversions: {@code OpenStack-API-Version: volume 3.x}; none means 3.0, {@code latest} means
 * {@link #MAX}; a malformed version answers 400, one outside 3.0..3.71 answers 406.
 *
 * <p>What changes in what Strato serves: 3.13 {@code group_id}; 3.27 the attachments API; 3.44 {@code os-complete};
 * 3.48 {@code shared_targets} and {@code service_uuid}; 3.63 {@code volume_type_id}; 3.65 {@code consumes_quota}.
 */
public final class Microversion {
  public static final ApiVersion MIN = new ApiVersion(3, 0);
  public static final ApiVersion MAX = new ApiVersion(3, 71);
  public static final String HEADER = Microversions.HEADER;
  private static final Microversions RANGE = new Microversions("volume", MIN, MAX, null);

  private Microversion() {}

  public static void handle(RoutingContext ctx) {
    RANGE.handle(ctx);
  }

  public static ApiVersion of(RoutingContext ctx) {
    return RANGE.of(ctx);
  }

  /** The version a header asks for, or {@link #MIN} when it names none for {@code volume}. */
  static ApiVersion requested(String header) {
    return RANGE.requested(header, null);
  }

  /** 404 as Cinder answers a method that does not exist at the requested version. */
  public static void require(RoutingContext ctx, int minorVersion) {
    if (!of(ctx).atLeast(minorVersion)) {
      throw ApiException.notFound("The resource could not be found (it needs microversion 3." + minorVersion
          + " or later).");
    }
  }
}
