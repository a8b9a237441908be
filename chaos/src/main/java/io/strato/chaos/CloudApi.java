package io.strato.chaos;

import io.strato.common.faults.PausePoints;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The suite's user: plain OpenStack REST calls as the bootstrap admin, in the admin project (whose quotas it lifts),
 * with a short timeout on every call, since the point is to call a cloud that is being broken.
 */
final class CloudApi {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ChaosCloud cloud;
  private volatile String token;
  String projectId;
  String imageId;
  String networkId;

  CloudApi(ChaosCloud cloud) {
    this.cloud = cloud;
  }

  /** Logs in, lifts the project's quotas, uploads a 1 MiB raw image and finds the shared network. */
  CloudApi setup() throws Exception {
    login();
    call("PUT", cloud.url("compute.port") + "/v2.1/os-quota-sets/" + projectId, new JsonObject().put("quota_set",
        new JsonObject().put("instances", -1).put("cores", -1).put("ram", -1)), 200);
    call("PUT", cloud.url("network.port") + "/v2.0/quotas/" + projectId,
        new JsonObject().put("quota", new JsonObject().put("port", -1)), 200);
    JsonObject image = call("POST", cloud.url("image.port") + "/v2/images", new JsonObject().put("name", "chaos-raw")
        .put("disk_format", "raw").put("container_format", "bare").put("visibility", "public"), 201).body;
    imageId = image.getString("id");
    HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.url("image.port")
            + "/v2/images/" + imageId + "/file")).header("X-Auth-Token", token)
        .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20])).build(), HttpResponse.BodyHandlers.ofString());
    if (upload.statusCode() != 204) throw new IllegalStateException("image upload: " + upload.statusCode());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (networkId == null) {
      JsonArray nets = call("GET", cloud.url("network.port") + "/v2.0/networks?name=private", null, 200).body
          .getJsonArray("networks");
      if (!nets.isEmpty()) networkId = nets.getJsonObject(0).getString("id");
      if (networkId == null && System.nanoTime() > deadline) throw new IllegalStateException("no network private");
      if (networkId == null) Thread.sleep(500);
    }
    return this;
  }

  private void login() throws IOException, InterruptedException {
    String body = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject().put("name", "admin")
                .put("domain", new JsonObject().put("id", "default")).put("password", cloud.adminPassword))))
        .put("scope", new JsonObject().put("project", new JsonObject().put("name", "admin")
            .put("domain", new JsonObject().put("id", "default"))))).encode();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.url("identity.port")
            + "/v3/auth/tokens?nocatalog=true")).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("login: " + r.statusCode() + " " + r.body());
    token = r.headers().firstValue("X-Subject-Token").orElseThrow();
    projectId = new JsonObject(r.body()).getJsonObject("token").getJsonObject("project").getString("id");
  }

  /** {@code POST /servers}: the new server's id when the cloud accepted it (202), else null. */
  String boot(String name) {
    return boot(name, "1");
  }

  String boot(String name, String flavorId) {
    return boot(name, flavorId, null);
  }

  /**
   * A server that pauses at {@code point} (a build step, or a scheduler point: {@code PausePoints}), with a blank
   * 1 GiB data volume besides its network, so that a build killed there has made a volume (and then a port) to undo.
   */
  String bootPaused(String name, String point) {
    return boot(name, "1", new JsonObject()
        .put("metadata", new JsonObject().put(PausePoints.METADATA_KEY, point))
        .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("source_type", "blank")
            .put("destination_type", "volume").put("volume_size", 1).put("boot_index", -1)
            .put("delete_on_termination", true))));
  }

  private String boot(String name, String flavorId, JsonObject extra) {
    JsonObject server = new JsonObject().put("name", name).put("imageRef", imageId).put("flavorRef", flavorId)
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", networkId)));
    if (extra != null) server.mergeIn(extra);
    try {
      Reply r = call("POST", cloud.url("compute.port") + "/v2.1/servers", new JsonObject().put("server", server), -1);
      return r.status == 202 ? r.body.getJsonObject("server").getString("id") : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** {@code DELETE /servers/{id}}: true when accepted (204) or already gone (404). */
  boolean delete(String id) {
    try {
      int status = call("DELETE", cloud.url("compute.port") + "/v2.1/servers/" + id, null, -1).status;
      return status == 204 || status == 404;
    } catch (Exception e) {
      return false;
    }
  }

  /** {@code GET /servers/{id}}: the server, or null when 404 (or any failure: the caller polls). */
  JsonObject server(String id) {
    try {
      Reply r = call("GET", cloud.url("compute.port") + "/v2.1/servers/" + id, null, -1);
      return r.status == 200 ? r.body.getJsonObject("server") : null;
    } catch (Exception e) {
      return null;
    }
  }

  record Reply(int status, JsonObject body) {}

  /** One call; {@code expected} -1 takes any status. A 401 logs in again once (the token may have been revoked). */
  Reply call(String method, String url, JsonObject body, int expected) throws IOException, InterruptedException {
    if (token == null) login();
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
          .header("Accept", "application/json").timeout(Duration.ofSeconds(15));
      if (body != null) {
        b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 401 && attempt == 0) {
        login();
        continue;
      }
      if (expected != -1 && r.statusCode() != expected) {
        throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
      }
      JsonObject parsed;
      try {
        parsed = r.body() == null || r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
      } catch (RuntimeException e) {
        parsed = new JsonObject().put("raw", r.body());
      }
      return new Reply(r.statusCode(), parsed);
    }
  }
}
