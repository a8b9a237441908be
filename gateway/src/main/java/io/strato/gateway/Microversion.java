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
 * {@code description}; 2.26 server tags ({@code /servers/{id}/tags}, {@code tags} in the server and the list filters);
 * 2.36 and 2.57 quota and limit fields of the network proxy and of file injection gone; 2.37 {@code networks}
 * required at create ({@code auto}, {@code none} or a list); 2.39 {@code maxImageMeta} gone; 2.45 createImage's
 * body; 2.47 the server's flavor embedded; 2.49 and 2.70 volume attachment tags (refused: no device tagging); 2.53
 * services by UUID; 2.54 and 2.57 rebuild's key and user data, personality gone; 2.63 trusted image certificates
 * (none: null, any: refused); 2.64 server group {@code policy} and {@code rules}; 2.71 {@code server_groups} in the
 * server; 2.73 {@code locked_reason}; 2.75 the whole server in update and rebuild replies; 2.79
 * {@code delete_on_termination} of volume attachments. Between them, what Strato does not serve yet answers as before
 * (see README "What works today").
 */
public final class Microversion {
  public static final ApiVersion MIN = new ApiVersion(2, 1);
  public static final ApiVersion MAX = new ApiVersion(2, 79);
  private static final Microversions RANGE = new Microversions("compute", MIN, MAX, "X-OpenStack-Nova-API-Version");

  private Microversion() {}

  public static void handle(RoutingContext ctx) {
    RANGE.handle(ctx);
  }

  public static ApiVersion of(RoutingContext ctx) {
    return RANGE.of(ctx);
  }
}
