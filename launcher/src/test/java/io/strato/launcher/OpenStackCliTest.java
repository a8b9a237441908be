package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** The all-in-one, driven by the real {@code openstack} and {@code nova} clients as a user would. */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenStackCliTest {
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-aio");
    Settings shared = SharedInfrastructure.settings();
    Map<String, String> overrides = new java.util.HashMap<>();
    for (String port : List.of("identity.port", "compute.port", "image.port", "network.port", "volume.port",
        "scheduler.port", "conductor.port", "agent.port")) {
      overrides.put(port, String.valueOf(Ports.free()));
    }
    overrides.put("aio.data.dir", dir.resolve("data").toString());
    overrides.put("aio.clouds.dir", dir.toString());
    overrides.put("identity.password.iterations", "10000");
    overrides.put("agent.host", "cli-test-host");
    Settings base = shared.with(overrides);
    cloud = new AllInOne();
    // The shared broker and database stand in for external ones, as STRATO_KAFKA_BOOTSTRAP / STRATO_PG_URI would.
    cloud.start(base, Map.of("STRATO_KAFKA_BOOTSTRAP", shared.get("kafka.bootstrap"),
        "STRATO_PG_URI", shared.get("pg.uri")));
    cli = new Cli(dir.resolve("clouds.yaml"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @Order(1)
  @DisplayName("openstack token issue gives the demo user a token for the demo project")
  void tokenIssue() {
    JsonObject token = new JsonObject(cli.openstack("strato", "token", "issue", "-f", "json"));
    assertThat(token.getString("id")).isNotBlank();
    assertThat(token.getString("project_id")).hasSize(32);
    assertThat(token.getString("user_id")).hasSize(32);
    assertThat(token.getString("expires")).isNotBlank();
  }

  @Test
  @Order(2)
  @DisplayName("openstack flavor list shows the five m1 flavors with their sizes")
  void flavorList() {
    JsonArray flavors = new JsonArray(cli.openstack("strato", "flavor", "list", "-f", "json"));
    assertThat(flavors.stream().map(f -> ((JsonObject) f).getString("Name")))
        .containsExactly("m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge");
    JsonObject tiny = flavors.getJsonObject(0);
    assertThat(tiny.getInteger("RAM")).isEqualTo(512);
    assertThat(tiny.getInteger("VCPUs")).isEqualTo(1);
    JsonObject shown = new JsonObject(cli.openstack("strato", "flavor", "show", "m1.small", "-f", "json"));
    assertThat(shown.getString("id")).isEqualTo("2");
  }

  @Test
  @Order(3)
  @DisplayName("openstack keypair create prints a private key, and keypair list shows it")
  void keypairCreate() {
    String privateKey = cli.openstack("strato", "keypair", "create", "cli-key");
    assertThat(privateKey).contains("-----BEGIN PRIVATE KEY-----");
    JsonArray keys = new JsonArray(cli.openstack("strato", "keypair", "list", "-f", "json"));
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("Name"))).contains("cli-key");
  }

  @Test
  @Order(4)
  @DisplayName("the admin creates a project and a user and grants a role; the new user lists its servers")
  void adminCreatesAProjectAndUser() throws Exception {
    JsonObject project = new JsonObject(cli.openstack("strato-admin", "project", "create", "cli-team",
        "--description", "made by the CLI test", "-f", "json"));
    assertThat(project.getString("name")).isEqualTo("cli-team");
    JsonObject user = new JsonObject(cli.openstack("strato-admin", "user", "create", "--project", "cli-team",
        "--password", "cli-pass-1", "cli-user", "-f", "json"));
    assertThat(user.getString("name")).isEqualTo("cli-user");
    assertThat(user.getString("default_project_id")).isEqualTo(project.getString("id"));
    cli.openstack("strato-admin", "role", "add", "--project", "cli-team", "--user", "cli-user", "member");
    JsonArray assignments = new JsonArray(cli.openstack("strato-admin", "role", "assignment", "list", "--user",
        "cli-user", "--names", "-f", "json"));
    assertThat(assignments).hasSize(1);
    assertThat(assignments.getJsonObject(0).getString("Role")).isEqualTo("member");
    assertThat(assignments.getJsonObject(0).getString("Project")).isEqualTo("cli-team@Default");

    Path userClouds = dir.resolve("user-clouds.yaml");
    String authUrl = new String(Files.readAllBytes(dir.resolve("clouds.yaml"))).lines()
        .filter(l -> l.contains("auth_url")).findFirst().orElseThrow().split("auth_url: ")[1];
    Files.writeString(userClouds, "clouds:\n  cli-user:\n    auth:\n      auth_url: " + authUrl + "\n"
        + "      username: cli-user\n      password: cli-pass-1\n      project_name: cli-team\n"
        + "      user_domain_name: Default\n      project_domain_name: Default\n    identity_api_version: 3\n");
    Cli asUser = new Cli(userClouds);
    assertThat(new JsonArray(asUser.openstack("cli-user", "server", "list", "-f", "json"))).isEmpty();
    var forbidden = asUser.run(List.of("openstack", "--os-cloud", "cli-user", "project", "create", "nope"), Map.of());
    assertThat(forbidden.exit()).isNotZero();
    assertThat(forbidden.err()).contains("403");
  }

  @Test
  @Order(5)
  @DisplayName("the legacy nova client negotiates a microversion and lists flavors and servers")
  void novaClient() throws Exception {
    Map<String, String> openrc = openrc(dir.resolve("openrc"));
    var flavors = cli.run(List.of("nova", "flavor-list"), openrc);
    assertThat(flavors.exit()).as(flavors.err()).isZero();
    assertThat(flavors.out()).contains("m1.tiny", "m1.xlarge");
    var servers = cli.run(List.of("nova", "list"), openrc);
    assertThat(servers.exit()).as(servers.err()).isZero();
    var version = cli.run(List.of("nova", "version-list"), openrc);
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).contains("v2.1");
  }

  @Test
  @Order(6)
  @DisplayName("openstack image create uploads a file; list, show and save return it byte for byte; delete removes it")
  void images() throws Exception {
    Path file = dir.resolve("disk.img");
    byte[] data = new byte[1_048_576 + 123];
    new java.util.Random(7).nextBytes(data);
    Files.write(file, data);
    JsonObject created = new JsonObject(cli.openstack("strato", "image", "create", "--file", file.toString(),
        "--disk-format", "qcow2", "--container-format", "bare", "--property", "architecture=x86_64", "cli-image",
        "-f", "json"));
    String id = created.getString("id");
    JsonArray list = new JsonArray(cli.openstack("strato", "image", "list", "-f", "json"));
    assertThat(list.stream().map(i -> ((JsonObject) i).getString("Name"))).contains("cli-image");
    JsonObject shown = new JsonObject(cli.openstack("strato", "image", "show", "cli-image", "-f", "json"));
    assertThat(shown.getString("status")).isEqualTo("active");
    assertThat(shown.getLong("size")).isEqualTo(data.length);
    assertThat(shown.getString("properties")).contains("architecture");
    assertThat(shown.getString("checksum")).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("MD5").digest(data)));
    Path saved = dir.resolve("saved.img");
    cli.openstack("strato", "image", "save", "--file", saved.toString(), id);
    assertThat(Files.readAllBytes(saved)).isEqualTo(data);
    cli.openstack("strato", "image", "delete", id);
    assertThat(new JsonArray(cli.openstack("strato", "image", "list", "-f", "json")).stream()
        .map(i -> ((JsonObject) i).getString("ID"))).doesNotContain(id);
  }

  @Test
  @Order(7)
  @DisplayName("openstack server create --wait reaches ACTIVE on the libvirt host; reboot, stop, start, delete work")
  void servers() throws Exception {
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros",
        "--flavor", "m1.tiny", "--key-name", "cli-key", "--wait", "cli-vm", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    String id = created.getString("id");
    JsonObject shown = new JsonObject(cli.openstack("strato", "server", "show", "cli-vm", "-f", "json"));
    assertThat(shown.getString("id")).isEqualTo(id);
    assertThat(shown.getString("OS-EXT-STS:power_state")).as("1 is running").isEqualTo("1");
    assertThat(shown.getString("flavor")).contains("m1.tiny");
    assertThat(shown.getString("image")).contains("cirros");
    assertThat(shown.getString("key_name")).isEqualTo("cli-key");
    JsonObject asAdmin = new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
    assertThat(asAdmin.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("cli-test-host");
    assertThat(domainExists(id)).as("libvirt has the domain").isTrue();

    cli.openstack("strato", "server", "reboot", "--hard", "--wait", "cli-vm");
    cli.openstack("strato", "server", "stop", "cli-vm");
    awaitStatus("cli-vm", "SHUTOFF");
    cli.openstack("strato", "server", "start", "cli-vm");
    awaitStatus("cli-vm", "ACTIVE");
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "cli-vm", "-f", "json"));
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("Action")))
        .contains("create", "reboot", "stop", "start");

    JsonArray list = new JsonArray(cli.openstack("strato", "server", "list", "-f", "json"));
    assertThat(list.stream().map(s -> ((JsonObject) s).getString("Name"))).contains("cli-vm");
    cli.openstack("strato", "server", "delete", "--wait", "cli-vm");
    assertThat(new JsonArray(cli.openstack("strato", "server", "list", "-f", "json"))).isEmpty();
    var missing = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "show", id), Map.of());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("No server with a name or ID");
    assertThat(domainExists(id)).as("the domain is gone").isFalse();
  }

  private static void awaitStatus(String server, String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      String now = new JsonObject(cli.openstack("strato", "server", "show", server, "-f", "json")).getString("status");
      if (status.equals(now)) return;
      assertThat(System.currentTimeMillis()).as(server + " stayed " + now + ", expected " + status)
          .isLessThan(deadline);
    }
  }

  /** The all-in-one runs in this JVM, and test:///default keeps its domains per process: look there. */
  private static boolean domainExists(String uuid) throws Exception {
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      c.domainLookupByUUIDString(uuid);
      return true;
    } catch (org.libvirt.LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  /** The variables an {@code openrc} file exports, as {@code source openrc} would set them. */
  private static Map<String, String> openrc(Path file) throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("export ")) {
        String[] kv = line.substring("export ".length()).split("=", 2);
        env.put(kv[0], kv[1]);
      }
    }
    assertThat(env).containsKeys("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME");
    return env;
  }
}
