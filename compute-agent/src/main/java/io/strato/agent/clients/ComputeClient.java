package io.strato.agent.clients;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * The compute API, as the agent uses it at start-up: which instances live on this host, is a domain's instance still
 * alive, and how big is it.
 */
public final class ComputeClient {
  private final ServiceSession session;

  public ComputeClient(ServiceSession session) {
    this.session = session;
  }

  /** The server (admin view), or null when the compute API does not know it (deleted or never existed). */
  public Future<JsonObject> server(String id) {
    return get("/servers/" + id).map(j -> j == null ? null : j.getJsonObject("server"));
  }

  /** Every live server the compute API places on {@code host} (admin listing, all projects). */
  public Future<java.util.List<JsonObject>> serversOn(String host) {
    return get("/servers/detail?all_tenants=1&host=" + java.net.URLEncoder.encode(host,
        java.nio.charset.StandardCharsets.UTF_8)).map(j -> j == null ? java.util.List.<JsonObject>of()
        : j.getJsonArray("servers").stream().map(o -> (JsonObject) o).toList());
  }

  public Future<JsonObject> flavor(String id) {
    return get("/flavors/" + id).map(j -> j == null ? null : j.getJsonObject("flavor"));
  }

  private Future<JsonObject> get(String path) {
    return session.call("compute", "GET " + path, true, token -> {
      var url = session.endpoint("compute");
      if (url.isEmpty()) return ServiceCall.unavailable("compute");
      return session.request(HttpMethod.GET, url.get() + path, token, null).send().map(resp -> {
        if (resp.statusCode() == 404) return null;
        return ServiceCall.expect(resp, "GET " + path, 200).bodyAsJsonObject();
      });
    });
  }
}
