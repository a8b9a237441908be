package io.strato.gateway;

import io.strato.common.http.ApiVersion;
import io.strato.common.http.Microversions;
import io.vertx.ext.web.RoutingContext;

/**
 * The compute API's microversions: 2.1 to {@link #MAX}, asked for with {@code OpenStack-API-Version: compute 2.x}
 * (wins) or {@code X-OpenStack-Nova-API-Version: 2.x}.
 *
 * <p>What changes between 2.1 and {@link #MAX} in the APIs Strato serves: 2.2 keypair {@code type} and 201/204
 * codes; 2.3 extended server attributes for admins; 2.9 {@code locked}; 2.10 key pairs of another user for admins;
 * 2.13 server group project and user; 2.15 soft (anti-)affinity policies; 2.16 {@code host_status}; 2.19 server
 * {@code description}; 2.26 server tags ({@code /servers/{id}/tags}, {@code tags} in the server and the list filters).
 */
public final class Microversion {
  public static final ApiVersion MIN = new ApiVersion(2, 1);
  public static final ApiVersion MAX = new ApiVersion(2, 26);
  private static final Microversions RANGE = new Microversions("compute", MIN, MAX, "X-OpenStack-Nova-API-Version");

  private Microversion() {}

  public static void handle(RoutingContext ctx) {
    RANGE.handle(ctx);
  }

  public static ApiVersion of(RoutingContext ctx) {
    return RANGE.of(ctx);
  }
}
