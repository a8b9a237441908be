package io.strato.identity;

import io.strato.common.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The service catalog that goes into every project-scoped token: one entry per Strato API with public, internal
 * and admin endpoints (the same URL: one network here). Ids are derived from names so they are stable across
 * restarts and replicas.
 */
final class Catalog {
  private record Service(String key, String type, String name, String portKey, String path) {}

  private static final List<Service> KNOWN = List.of(
      new Service("identity", "identity", "keystone", "identity.port", "/v3"),
      new Service("compute", "compute", "nova", "compute.port", "/v2.1"),
      new Service("image", "image", "glance", "image.port", ""),
      new Service("network", "network", "neutron", "network.port", ""),
      new Service("volume", "volumev3", "cinderv3", "volume.port", "/v3/$(project_id)s"),
      new Service("volume", "block-storage", "cinder", "volume.port", "/v3/$(project_id)s"));

  private final Settings settings;
  private final List<String> enabled;

  Catalog(Settings settings) {
    this.settings = settings;
    this.enabled = Arrays.stream(settings.get("identity.catalog").split(",")).map(String::trim).toList();
  }

  /** The catalog for a token scoped to {@code projectId}. */
  JsonArray forProject(String projectId) {
    JsonArray catalog = new JsonArray();
    for (Service s : KNOWN) {
      if (!enabled.contains(s.key())) continue;
      String url = url(s).replace("$(project_id)s", projectId);
      catalog.add(new JsonObject().put("id", id(s.type())).put("type", s.type()).put("name", s.name())
          .put("endpoints", endpoints(s, url)));
    }
    return catalog;
  }

  /** {@code GET /v3/services}. */
  JsonArray services() {
    JsonArray out = new JsonArray();
    KNOWN.stream().filter(s -> enabled.contains(s.key())).forEach(s -> out.add(new JsonObject().put("id", id(s.type()))
        .put("type", s.type()).put("name", s.name()).put("enabled", true)
        .put("description", "Strato " + s.key())));
    return out;
  }

  /** {@code GET /v3/endpoints}: URLs keep Keystone's {@code $(project_id)s} template. */
  JsonArray endpoints() {
    JsonArray out = new JsonArray();
    KNOWN.stream().filter(s -> enabled.contains(s.key())).forEach(s -> endpoints(s, url(s)).forEach(e ->
        out.add(((JsonObject) e).copy().put("service_id", id(s.type())).put("enabled", true))));
    return out;
  }

  private JsonArray endpoints(Service s, String url) {
    JsonArray endpoints = new JsonArray();
    String region = settings.get("identity.region");
    for (String iface : List.of("public", "internal", "admin")) {
      endpoints.add(new JsonObject().put("id", id(s.type() + "/" + iface)).put("interface", iface)
          .put("region", region).put("region_id", region).put("url", url));
    }
    return endpoints;
  }

  private String url(Service s) {
    return "http://" + settings.get("public.host") + ":" + settings.get(s.portKey()) + s.path();
  }

  private static String id(String name) {
    return UUID.nameUUIDFromBytes(("strato/" + name).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }
}
