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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Volume attach and detach ({@code os-volume_attachments}) on the all-in-one, through the real {@code openstack}
 * and {@code nova} clients and, for what they cannot send, the API itself: the disk in the libvirt domain, the volume's
 * Cinder status, {@code volumes_attached}, instance actions and events, refusals in Nova's fault format.
 */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VolumeAttachCliTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;
  private static String computeUrl;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-volattach");
    cloud = new AllInOne();
    Settings settings = TestClouds.settings(dir, "volattach-host", Map.of());
    computeUrl = "http://127.0.0.1:" + settings.get("compute.port") + "/v2.1";
    cloud.start(settings, TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
    cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "private",
        "--wait", "vm-a", "-f", "json");
    cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "private",
        "--wait", "vm-b", "-f", "json");
    for (String v : List.of("va", "vb", "vc")) cli.openstack("strato", "volume", "create", "--size", "1", v);
    for (String v : List.of("va", "vb", "vc")) awaitVolume(v, "available");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @Order(1)
  @DisplayName("openstack server add volume plugs the volume into the running domain as /dev/vdb: in-use in Cinder,"
      + " in volumes_attached and nova volume-attachments, an attach_volume action with its compute event;"
      + " server remove volume unplugs it and it is available again")
  void addAndRemoveVolume() throws Exception {
    String server = id("server", "vm-a");
    String volume = id("volume", "va");
    JsonObject attached = new JsonObject(cli.openstack("strato", "server", "add", "volume", "vm-a", "va", "-f",
        "json"));
    assertThat(attached.getString("Device")).isEqualTo("/dev/vdb");
    assertThat(attached.getString("Volume ID")).isEqualTo(volume);
    JsonObject inUse = awaitVolume("va", "in-use");
    assertThat(String.valueOf(inUse.getValue("attachments"))).contains(server);
    JsonObject shown = new JsonObject(cli.openstack("strato", "server", "show", "vm-a", "-f", "json"));
    assertThat(shown.getString("status")).as("Nova sets no task state for an attach").isEqualTo("ACTIVE");
    assertThat(String.valueOf(shown.getValue("volumes_attached"))).contains(volume);
    assertThat(domainXml(server)).as("the disk is in the domain").contains(volumePath(volume)).contains("'vdb'");

    var listed = cli.run(List.of("nova", "volume-attachments", "vm-a"), openrc());
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(volume).contains("/dev/vdb");
    String event = eventOf("vm-a", "attach_volume");
    assertThat(event).contains("compute_attach_volume").contains("Success");

    var twice = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "add", "volume", "vm-a", "va"),
        Map.of());
    assertThat(twice.exit()).as("the same volume twice").isNotZero();
    assertThat(twice.err()).contains("already attached").contains("400");
    var inUseElsewhere = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "add", "volume", "vm-b",
        "va"), Map.of());
    assertThat(inUseElsewhere.exit()).as("a volume in use by another server").isNotZero();
    assertThat(inUseElsewhere.err()).contains("Invalid volume").contains("400");

    cli.openstack("strato", "server", "remove", "volume", "vm-a", "va");
    JsonObject available = awaitVolume("va", "available");
    assertThat(String.valueOf(available.getValue("attachments"))).doesNotContain(server);
    awaitDetached(server, volume);
    assertThat(domainXml(server)).as("the disk is out of the domain").doesNotContain(volumePath(volume));
    assertThat(eventOf("vm-a", "detach_volume")).contains("compute_detach_volume").contains("Success");
  }

  @Test
  @Order(2)
  @DisplayName("nova volume-attach with a device name attaches there; nova volume-detach detaches")
  void novaVolumeAttach() throws Exception {
    String volume = id("volume", "vb");
    var attach = cli.run(List.of("nova", "volume-attach", "vm-a", volume, "/dev/vdd"), openrc());
    assertThat(attach.exit()).as(attach.err()).isZero();
    assertThat(attach.out()).contains("/dev/vdd");
    awaitVolume("vb", "in-use");
    var detach = cli.run(List.of("nova", "volume-detach", "vm-a", volume), openrc());
    assertThat(detach.exit()).as(detach.err()).isZero();
    awaitVolume("vb", "available");
  }

  @Test
  @Order(3)
  @DisplayName("a stopped server takes a volume into its definition (SHUTOFF throughout) and has it when started")
  void attachToStoppedServer() throws Exception {
    String server = id("server", "vm-b");
    String volume = id("volume", "vc");
    cli.openstack("strato", "server", "stop", "vm-b");
    awaitStatus("vm-b", "SHUTOFF");
    cli.openstack("strato", "server", "add", "volume", "vm-b", "vc");
    awaitVolume("vc", "in-use");
    assertThat(new JsonObject(cli.openstack("strato", "server", "show", "vm-b", "-f", "json")).getString("status"))
        .isEqualTo("SHUTOFF");
    assertThat(domainXml(server)).contains(volumePath(volume));
    cli.openstack("strato", "server", "start", "vm-b");
    awaitStatus("vm-b", "ACTIVE");
    assertThat(domainXml(server)).contains(volumePath(volume));
  }

  @Test
  @Order(4)
  @DisplayName("refused in Nova's fault format: malformed body and a bad volume id 400, an unknown volume or server"
      + " 404, a suspended server 409, a reader 403, another project's member 404 for the server and the volume")
  void refusals() throws Exception {
    String token = token("strato");
    String server = id("server", "vm-a");
    String path = "/servers/" + server + "/os-volume_attachments";
    String free = id("volume", "va");
    assertFault(call("POST", path, token, "{\"volumeAttachment\": "), 400, "badRequest");
    assertFault(call("POST", path, token, "{\"volumeAttachment\": {\"volumeId\": \"nope\"}}"), 400, "badRequest");
    assertFault(call("POST", path, token, attach(free).put("extra", 1).encode()), 400, "badRequest");
    assertFault(call("POST", path, token, "{\"volumeAttachment\": {\"volumeId\": \"" + free
        + "\", \"device\": \"vdb\"}}"), 400, "badRequest");
    assertFault(call("POST", path, token, attach(UUID.randomUUID().toString()).encode()), 404, "itemNotFound");
    assertFault(call("POST", "/servers/" + UUID.randomUUID() + "/os-volume_attachments", token,
        attach(free).encode()), 404, "itemNotFound");
    assertFault(call("GET", path + "/" + free, token, null), 404, "itemNotFound");
    assertFault(call("DELETE", path + "/" + free, token, null), 404, "itemNotFound");
    assertThat(call("GET", path, token, null).body()).contains("\"volumeAttachments\"");

    cli.openstack("strato", "server", "suspend", "vm-a");
    awaitStatus("vm-a", "SUSPENDED");
    assertFault(call("POST", path, token, attach(free).encode()), 409, "conflictingRequest");
    cli.openstack("strato", "server", "resume", "vm-a");
    awaitStatus("vm-a", "ACTIVE");

    Cli other = userCloud("va-other", "va-other-user", "member");
    Cli reader = userCloud("demo", "va-reader", "reader");
    assertFault(call("POST", path, token(reader, "va-reader"), attach(free).encode()), 403, "forbidden");
    assertThat(call("GET", path, token(reader, "va-reader"), null).statusCode()).as("a reader lists").isEqualTo(200);
    String otherToken = token(other, "va-other-user");
    assertFault(call("POST", path, otherToken, attach(free).encode()), 404, "itemNotFound");
    other.openstack("va-other-user", "volume", "create", "--size", "1", "theirs");
    other.awaitVolume("va-other-user", "theirs", "available");
    String theirs = new JsonObject(other.openstack("va-other-user", "volume", "show", "theirs", "-f", "json"))
        .getString("id");
    assertFault(call("POST", path, token, attach(theirs).encode()), 404, "itemNotFound");
    assertThat(new JsonObject(cli.openstack("strato", "volume", "show", "va", "-f", "json")).getString("status"))
        .as("nothing refused reserved the volume").isEqualTo("available");
  }

  @Test
  @Order(5)
  @DisplayName("deleting a server with an attached volume detaches it: available, no attachment left")
  void deleteDetaches() throws Exception {
    String server = id("server", "vm-b");
    cli.openstack("strato", "server", "delete", "--wait", "vm-b");
    JsonObject after = awaitVolume("vc", "available");
    assertThat(String.valueOf(after.getValue("attachments"))).doesNotContain(server);
  }

  @Test
  @Order(6)
  @DisplayName("an attach the hypervisor fails (the domain vanished) is undone as Nova undoes it: the volume"
      + " available again, not in volumes_attached, the compute_attach_volume event in Error, the server ACTIVE")
  void failedAttachIsReverted() throws Exception {
    String server = id("server", "vm-a");
    String volume = id("volume", "va");
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      org.libvirt.Domain d = c.domainLookupByUUIDString(server);
      d.destroy();
      d.undefine();
    } finally {
      c.close();
    }
    cli.openstack("strato", "server", "add", "volume", "vm-a", "va");
    awaitDetached(server, volume);
    JsonObject available = awaitVolume("va", "available");
    assertThat(String.valueOf(available.getValue("attachments"))).doesNotContain(server);
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "vm-a", "-f", "json"));
    List<String> attaches = actions.stream().map(a -> (JsonObject) a)
        .filter(a -> "attach_volume".equals(a.getString("Action"))).map(a -> a.getString("Request ID")).toList();
    long deadline = System.currentTimeMillis() + 30_000;
    String events = "";
    while (!events.contains("Error")) {
      assertThat(System.currentTimeMillis()).as("no failed attach event: " + events).isLessThan(deadline);
      StringBuilder all = new StringBuilder();
      for (String request : attaches) {
        all.append(new JsonObject(cli.openstack("strato", "server", "event", "show", "vm-a", request, "-f", "json"))
            .getValue("events"));
      }
      events = all.toString();
    }
    assertThat(events).contains("compute_attach_volume");
    assertThat(new JsonObject(cli.openstack("strato", "server", "show", "vm-a", "-f", "json")).getString("status"))
        .isEqualTo("ACTIVE");
  }

  private static JsonObject attach(String volumeId) {
    return new JsonObject().put("volumeAttachment", new JsonObject().put("volumeId", volumeId));
  }

  private static String id(String kind, String name) {
    return new JsonObject(cli.openstack("strato", kind, "show", name, "-f", "json")).getString("id");
  }

  private static String eventOf(String server, String action) {
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", server, "-f", "json"));
    String request = actions.stream().map(a -> (JsonObject) a).filter(a -> action.equals(a.getString("Action")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + action + " in " + actions))
        .getString("Request ID");
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      String events = String.valueOf(new JsonObject(cli.openstack("strato", "server", "event", "show", server,
          request, "-f", "json")).getValue("events"));
      if (events.contains("finish_time") && !events.contains("'finish_time': None")) return events;
      assertThat(System.currentTimeMillis()).as("the " + action + " event never finished: " + events)
          .isLessThan(deadline);
    }
  }

  private static void awaitDetached(String server, String volume) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (String.valueOf(new JsonObject(cli.openstack("strato", "server", "show", server, "-f", "json"))
        .getValue("volumes_attached")).contains(volume)) {
      assertThat(System.currentTimeMillis()).as("still in volumes_attached").isLessThan(deadline);
    }
  }

  private static JsonObject awaitVolume(String volume, String status) {
    return cli.awaitVolume("strato", volume, status);
  }

  private static void awaitStatus(String server, String status) {
    cli.awaitServerStatus("strato", server, status);
  }

  /** The domain's definition (what the guest has from its next start; the test driver has no hot-plug). */
  private static String domainXml(String uuid) throws Exception {
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      return c.domainLookupByUUIDString(uuid).getXMLDesc(org.libvirt.Domain.XMLFlags.INACTIVE).replace('"', '\'');
    } finally {
      c.close();
    }
  }

  /** The volume file's name, as the volume service hands it to the agent (file backend). */
  private static String volumePath(String volumeId) {
    return "/volume-" + volumeId + "'";
  }

  /** A project (created when missing) and a user with {@code role} there, as a cloud of its own. */
  private static Cli userCloud(String project, String user, String role) throws Exception {
    if (!project.equals("demo")) cli.openstack("strato-admin", "project", "create", project);
    cli.openstack("strato-admin", "user", "create", "--project", project, "--password", "pw-" + user, user);
    cli.openstack("strato-admin", "role", "add", "--project", project, "--user", user, role);
    Path file = dir.resolve(user + "-clouds.yaml");
    String authUrl = Files.readString(dir.resolve("clouds.yaml")).lines().filter(l -> l.contains("auth_url"))
        .findFirst().orElseThrow().split("auth_url: ")[1];
    Files.writeString(file, "clouds:\n  " + user + ":\n    auth:\n      auth_url: " + authUrl + "\n"
        + "      username: " + user + "\n      password: pw-" + user + "\n      project_name: " + project + "\n"
        + "      user_domain_name: Default\n      project_domain_name: Default\n    identity_api_version: 3\n");
    return new Cli(file);
  }

  private static String token(String cloudName) {
    return token(cli, cloudName);
  }

  private static String token(Cli as, String cloudName) {
    return new JsonObject(as.openstack(cloudName, "token", "issue", "-f", "json")).getString("id");
  }

  private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(computeUrl + path)).header("X-Auth-Token", token)
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertFault(HttpResponse<String> r, int status, String kind) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject fault = new JsonObject(r.body()).getJsonObject(kind);
    assertThat(fault).as(r.body()).isNotNull();
    assertThat(fault.getInteger("code")).isEqualTo(status);
    assertThat(fault.getString("message")).isNotBlank();
  }

  private static Map<String, String> openrc() throws Exception {
    return Cli.openrc(dir.resolve("openrc"));
  }
}
