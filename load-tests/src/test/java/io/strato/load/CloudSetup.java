package io.strato.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * What a run needs before its first virtual user starts, done with plain HTTP as an operator would: as the admin, a
 * fresh project and member user for the run (so runs never see each other's servers) with unlimited compute quotas,
 * the flavor's id, and the image (the demo image, or a small raw image uploaded once).
 */
public final class CloudSetup {
  /** The image uploaded when the named one does not exist: public, raw, 1 MiB of zeroes. */
  static final String FALLBACK_IMAGE = "strato-load-raw";
  /** A flavor made on demand when {@code load.flavor} names it: 1 vCPU, 64 MiB, no disk. */
  static final String NANO_FLAVOR = "strato-load-nano";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** The run's tenant: who the virtual users log in as, and what they boot. */
  public record Tenant(String projectName, String projectId, String userName, String userId, String password,
      String imageId, String flavorId) {

    /** The Keystone password-auth body for this user, scoped to the project. */
    public String loginBody() {
      return CloudSetup.loginBody(userName, password, projectName);
    }
  }

  /** A token with the ids Keystone returned with it. */
  public record Login(String token, String userId, String projectId) {}

  private CloudSetup() {}

  /** Creates the run's project and user, lifts its quotas, finds flavor and image. */
  public static Tenant prepare(String runName) throws IOException, InterruptedException {
    Login admin = login(LoadSettings.adminUser(), LoadSettings.adminPassword(), LoadSettings.adminProject());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String projectName = runName + "-" + suffix;
    String password = UUID.randomUUID().toString();
    JsonObject project = call("POST", LoadSettings.identityUrl() + "/v3/projects", admin.token(),
        new JsonObject().put("project", new JsonObject().put("name", projectName).put("domain_id", "default")
            .put("description", "Gatling load test run")), 201).getJsonObject("project");
    JsonObject user = call("POST", LoadSettings.identityUrl() + "/v3/users", admin.token(),
        new JsonObject().put("user", new JsonObject().put("name", projectName).put("password", password)
            .put("domain_id", "default").put("default_project_id", project.getString("id"))), 201)
        .getJsonObject("user");
    JsonArray roles = call("GET", LoadSettings.identityUrl() + "/v3/roles?name=member", admin.token(), null, 200)
        .getJsonArray("roles");
    if (roles.isEmpty()) throw new IllegalStateException("the cloud has no 'member' role");
    call("PUT", LoadSettings.identityUrl() + "/v3/projects/" + project.getString("id") + "/users/"
        + user.getString("id") + "/roles/" + roles.getJsonObject(0).getString("id"), admin.token(), null, 204);
    call("PUT", LoadSettings.computeUrl() + "/v2.1/os-quota-sets/" + project.getString("id"), admin.token(),
        new JsonObject().put("quota_set", new JsonObject().put("instances", -1).put("cores", -1).put("ram", -1)),
        200);
    call("PUT", LoadSettings.networkUrl() + "/v2.0/quotas/" + project.getString("id"), admin.token(),
        new JsonObject().put("quota", new JsonObject().put("port", -1)), 200);
    return new Tenant(projectName, project.getString("id"), projectName, user.getString("id"), password,
        imageId(admin.token()), flavorId(admin.token()));
  }

  /** A project-scoped token by password. */
  public static Login login(String user, String password, String project) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(LoadSettings.identityUrl()
            + "/v3/auth/tokens?nocatalog=true")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(loginBody(user, password, project))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("login as " + user + ": " + r.statusCode() + " " + r.body());
    JsonObject token = new JsonObject(r.body()).getJsonObject("token");
    return new Login(r.headers().firstValue("X-Subject-Token").orElseThrow(),
        token.getJsonObject("user").getString("id"), token.getJsonObject("project").getString("id"));
  }

  static String loginBody(String user, String password, String project) {
    return new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                .put("domain", new JsonObject().put("id", "default")).put("password", password))))
        .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
            .put("domain", new JsonObject().put("id", "default"))))).encode();
  }

  private static String flavorId(String token) throws IOException, InterruptedException {
    JsonArray flavors = call("GET", LoadSettings.computeUrl() + "/v2.1/flavors", token, null, 200)
        .getJsonArray("flavors");
    for (Object o : flavors) {
      JsonObject f = (JsonObject) o;
      if (LoadSettings.flavor().equals(f.getString("name"))) return f.getString("id");
    }
    if (LoadSettings.flavor().equals(NANO_FLAVOR)) {
      // The open-model runs boot more servers than m1.tiny fits on the simulated fleet (7 per host): a flavor of
      // 64 MiB and no disk, made once by the admin.
      return call("POST", LoadSettings.computeUrl() + "/v2.1/flavors", token, new JsonObject().put("flavor",
          new JsonObject().put("name", NANO_FLAVOR).put("ram", 64).put("vcpus", 1).put("disk", 0)), 200)
          .getJsonObject("flavor").getString("id");
    }
    throw new IllegalStateException("no flavor named " + LoadSettings.flavor());
  }

  /** The named image, or the fallback raw image (uploaded by the admin, public, the first time). */
  private static String imageId(String token) throws IOException, InterruptedException {
    String found = findImage(token, LoadSettings.image());
    if (found != null) return found;
    found = findImage(token, FALLBACK_IMAGE);
    if (found != null) return found;
    JsonObject created = call("POST", LoadSettings.imageUrl() + "/v2/images", token, new JsonObject()
        .put("name", FALLBACK_IMAGE).put("disk_format", "raw").put("container_format", "bare")
        .put("visibility", "public"), 201);
    String id = created.getString("id");
    HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(LoadSettings.imageUrl() + "/v2/images/"
            + id + "/file")).header("X-Auth-Token", token).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20])).build(), HttpResponse.BodyHandlers.ofString());
    if (upload.statusCode() != 204) throw new IllegalStateException("image upload: " + upload.statusCode());
    return id;
  }

  private static String findImage(String token, String name) throws IOException, InterruptedException {
    JsonArray images = call("GET", LoadSettings.imageUrl() + "/v2/images?name="
        + URLEncoder.encode(name, StandardCharsets.UTF_8), token, null, 200).getJsonArray("images");
    for (Object o : images) {
      JsonObject i = (JsonObject) o;
      if (name.equals(i.getString("name")) && "active".equals(i.getString("status"))) return i.getString("id");
    }
    return null;
  }

  /** One JSON call; anything but {@code expected} is an error naming the call. */
  static JsonObject call(String method, String url, String token, JsonObject body, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
        .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
    }
    return r.body() == null || r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
  }
}
