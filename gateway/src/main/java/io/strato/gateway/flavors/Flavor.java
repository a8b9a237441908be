package io.strato.gateway.flavors;

import io.strato.common.http.ApiVersion;
import io.strato.gateway.Links;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** A flavor as stored; {@link #detail} and {@link #brief} are Nova's two views of it. */
public record Flavor(String id, String name, int vcpus, int ramMb, int diskGb, int ephemeralGb, int swapMb,
    double rxtxFactor, boolean isPublic, boolean disabled, Map<String, String> extraSpecs) {

  public JsonObject brief(String baseUrl) {
    return new JsonObject().put("id", id).put("name", name).put("links", Links.of(baseUrl, "flavors", id));
  }

  /** The brief view at {@code v}: {@code description} from 2.55 (Strato keeps none: null). */
  public JsonObject brief(String baseUrl, ApiVersion v) {
    JsonObject out = brief(baseUrl);
    if (v.atLeast(55)) out.put("description", null);
    return out;
  }

  public JsonObject detail(String baseUrl) {
    return brief(baseUrl).put("ram", ramMb).put("vcpus", vcpus).put("disk", diskGb)
        .put("swap", swapMb == 0 ? "" : swapMb).put("OS-FLV-EXT-DATA:ephemeral", ephemeralGb)
        .put("OS-FLV-DISABLED:disabled", disabled).put("os-flavor-access:is_public", isPublic)
        .put("rxtx_factor", rxtxFactor);
  }

  /**
   * The detail view at {@code v}: {@code description} from 2.55, {@code extra_specs} from 2.61, and from 2.75 a
   * flavor without swap shows 0 rather than "".
   */
  public JsonObject detail(String baseUrl, ApiVersion v) {
    JsonObject out = detail(baseUrl);
    if (v.atLeast(55)) out.put("description", null);
    if (v.atLeast(61)) out.put("extra_specs", new JsonObject(Map.copyOf(extraSpecs)));
    if (v.atLeast(75)) out.put("swap", swapMb);
    return out;
  }

  /** The snapshot kept with each instance, so later flavor changes do not alter running servers. */
  public JsonObject snapshot() {
    return new JsonObject().put("id", id).put("name", name).put("vcpus", vcpus).put("ram", ramMb).put("disk", diskGb)
        .put("ephemeral", ephemeralGb).put("swap", swapMb).put("extra_specs", new JsonObject(Map.copyOf(extraSpecs)));
  }
}
