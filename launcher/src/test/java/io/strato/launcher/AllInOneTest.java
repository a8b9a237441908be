package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The all-in-one as its user meets it over the APIs: the size of its host, and one request id across services. */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AllInOneTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static AllInOne cloud;
  private static Settings settings;
  private static LogLines logs;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("strato-aio-host");
    // Not the defaults, so the test sees these settings at work rather than a coincidence.
    Map<String, String> host = Map.of("aio.host.vcpus", "24", "aio.host.memory.mb", "65536",
        "aio.host.disk.gb", "1000");
    logs = new LogLines();
    cloud = new AllInOne();
    settings = cloud.start(TestClouds.settings(dir, "aio-size-host", host), TestClouds.externalInfrastructure());
    token = adminToken(Secrets.loadOrCreate(dir.resolve("data").toAbsolutePath()).adminPassword());
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
    if (logs != null) logs.close();
  }

  @Test
  @Order(2)
  @DisplayName("the simulated hypervisor reports the configured vCPUs, RAM and disk, and nine m1.tiny all go ACTIVE")
  void simulatedHostIsSizedLikeARealOne() throws Exception {
    JsonObject hypervisor = get("compute", "/v2.1/os-hypervisors/detail").getJsonArray("hypervisors").stream()
        .map(JsonObject.class::cast).filter(h -> "aio-size-host".equals(h.getString("hypervisor_hostname")))
        .findFirst().orElseThrow();
    assertThat(hypervisor.getInteger("vcpus")).isEqualTo(24);
    assertThat(hypervisor.getLong("memory_mb")).isEqualTo(65536);
    assertThat(hypervisor.getLong("local_gb")).isEqualTo(1000);

    HttpResponse<String> created = boot("nine", 9);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    List<String> states = waitUntilSettled("^nine-", 9); // a multi-create names its servers nine-1 .. nine-9
    assertThat(states).as("libvirt's own 3 GB test host fits seven").hasSize(9).containsOnly("ACTIVE");
  }

  @Test
  @Order(1) // the first boot: later ones find the image in the agent's cache and do not download it
  @DisplayName("a boot's request id from the 202 is on the image download and port create the agent asked for")
  void bootRequestIdReachesImageAndNetworkLogs() throws Exception {
    HttpResponse<String> created = boot("traced", 1);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String requestId = created.headers().firstValue("x-openstack-request-id").orElseThrow();
    assertThat(waitUntilSettled("^traced$", 1)).containsExactly("ACTIVE");

    List<String> traced = logs.lines().stream().filter(l -> l.contains("[" + requestId + "]")).toList();
    assertThat(traced).as("lines of " + requestId)
        .anySatisfy(l -> assertThat(l).contains("image GET /v2/images/" + imageId() + "/file 200"))
        .anySatisfy(l -> assertThat(l).contains("network POST /v2.0/ports 201"));
  }

  private static HttpResponse<String> boot(String name, int count) throws Exception {
    JsonObject server = new JsonObject().put("name", name).put("imageRef", imageId()).put("flavorRef", "1")
        .put("min_count", count).put("max_count", count)
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", privateNetworkId())));
    return HTTP.send(request("compute", "/v2.1/servers").POST(HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("server", server).encode())).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The states of the servers whose names match {@code regex} once none is building (or after two minutes). */
  private static List<String> waitUntilSettled(String regex, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    long pause = 100;
    while (true) {
      List<String> states = get("compute", "/v2.1/servers/detail?name=" + regex).getJsonArray("servers")
          .stream().map(s -> ((JsonObject) s).getString("status")).toList();
      if (states.size() == count && !states.contains("BUILD") || System.currentTimeMillis() > deadline) return states;
      Thread.sleep(pause);
      pause = Math.min(1000, pause * 2);
    }
  }

  private static String imageId() throws Exception {
    return get("image", "/v2/images?name=cirros").getJsonArray("images").getJsonObject(0).getString("id");
  }

  private static String privateNetworkId() throws Exception {
    return get("network", "/v2.0/networks?name=private").getJsonArray("networks").getJsonObject(0).getString("id");
  }

  private static JsonObject get(String service, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(request(service, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static HttpRequest.Builder request(String service, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.get(service + ".port")
        + path.replace("^", "%5E").replace("$", "%24"))).header("X-Auth-Token", token)
        .timeout(Duration.ofSeconds(30));
  }

  private static String adminToken(String password) throws Exception {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password")).put("password",
            new JsonObject().put("user", new JsonObject().put("name", settings.get("identity.bootstrap.admin.name"))
                .put("domain", new JsonObject().put("id", "default")).put("password", password))))
        .put("scope", new JsonObject().put("project", new JsonObject()
            .put("name", settings.get("identity.bootstrap.project"))
            .put("domain", new JsonObject().put("id", "default")))));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + settings.get("identity.port") + "/v3/auth/tokens")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(auth.encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.headers().firstValue("X-Subject-Token").orElseThrow();
  }
}
