package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Resize with confirm and revert, and cold migration, through the real {@code openstack} client on the all-in-one
 * (one simulated host on libvirt's test driver, so the resize stays on it: {@code aio.allow.resize.to.same.host}).
 */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResizeCliTest {
  private static final String HOST = "resize-test-host";
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;
  private static String id;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-resize");
    cloud = new AllInOne();
    cloud.start(TestClouds.settings(dir, HOST, Map.of()), TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
    JsonObject created = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros",
        "--flavor", "m1.tiny", "--wait", "rs-vm", "-f", "json"));
    assertThat(created.getString("status")).isEqualTo("ACTIVE");
    id = created.getString("id");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @Order(1)
  @DisplayName("server resize --wait: VERIFY_RESIZE with the new flavor, both flavors counted; revert: ACTIVE with"
      + " the old flavor and domain, the new flavor's quota given back")
  void resizeThenRevert() throws Exception {
    cli.openstack("strato", "server", "resize", "--flavor", "m1.small", "--wait", "rs-vm");
    JsonObject shown = show();
    assertThat(shown.getString("status")).isEqualTo("VERIFY_RESIZE");
    assertThat(shown.getString("OS-EXT-STS:vm_state")).isEqualTo("resized");
    assertThat(shown.getString("flavor")).contains("m1.small");
    assertThat(ramUsed()).as("m1.tiny and m1.small both counted until confirm or revert").isEqualTo(512 + 2048);
    assertThat(domainMemoryMb()).isEqualTo(2048);
    assertThat(Files.exists(instances().resolve(id + "_resize"))).as("the source's disk is kept").isTrue();

    cli.openstack("strato", "server", "resize", "revert", "rs-vm");
    awaitStatus("ACTIVE");
    shown = show();
    assertThat(shown.getString("flavor")).contains("m1.tiny");
    assertThat(shown.getString("OS-EXT-STS:task_state")).isNull();
    assertThat(ramUsed()).isEqualTo(512);
    assertThat(domainMemoryMb()).isEqualTo(512);
    assertThat(Files.exists(instances().resolve(id + "_resize"))).isFalse();
    assertThat(Files.exists(instances().resolve(id).resolve("disk"))).isTrue();
  }

  @Test
  @Order(2)
  @DisplayName("server resize, then resize confirm: ACTIVE on the new flavor, the old flavor's quota and disk gone;"
      + " the instance actions and their events are listed")
  void resizeThenConfirm() throws Exception {
    cli.openstack("strato", "server", "resize", "--flavor", "m1.small", "--wait", "rs-vm");
    assertThat(show().getString("status")).isEqualTo("VERIFY_RESIZE");
    cli.openstack("strato", "server", "resize", "confirm", "rs-vm");
    awaitStatus("ACTIVE");
    JsonObject shown = show();
    assertThat(shown.getString("flavor")).contains("m1.small");
    assertThat(ramUsed()).isEqualTo(2048);
    assertThat(domainMemoryMb()).isEqualTo(2048);
    assertThat(Files.exists(instances().resolve(id + "_resize"))).as("the source's old disk is removed").isFalse();
    assertThat(Files.exists(instances().resolve(id).resolve("disk"))).isTrue();

    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "rs-vm", "-f", "json"));
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("Action")))
        .contains("resize", "revertResize", "confirmResize");
    String resizeRequest = actions.stream().map(a -> (JsonObject) a)
        .filter(a -> a.getString("Action").equals("resize")).findFirst().orElseThrow().getString("Request ID");
    String events = cli.openstack("strato-admin", "server", "event", "show", id, resizeRequest, "-f", "json");
    assertThat(events).contains("compute_resize_instance", "compute_finish_resize");
  }

  @Test
  @Order(3)
  @DisplayName("bad resizes are refused with Nova's faults: same flavor and smaller disk 400, wrong state 409,"
      + " unknown flavor 400, migrate by a member 403, unknown server 404")
  void badInput() {
    assertFails(List.of("server", "resize", "--flavor", "m1.small", "rs-vm"), "must change flavor");
    assertFails(List.of("server", "resize", "--flavor", "m1.tiny", "rs-vm"),
        "Resize to a flavor with a smaller disk is not allowed");
    assertFails(List.of("server", "resize", "confirm", "rs-vm"), "409");
    assertFails(List.of("server", "resize", "revert", "rs-vm"), "409");
    assertFails(List.of("server", "migrate", "rs-vm"), "403");
    assertFails(List.of("server", "resize", "--flavor", "m1.medium", "no-such-server"), "No server");
    assertThat(show().getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  @Order(4)
  @DisplayName("a resize no host has room for: ACTIVE again on its host with its flavor, the cold_migrate event in"
      + " error, the quota given back")
  void noValidHost() {
    cli.openstack("strato-admin", "flavor", "create", "--vcpus", "1", "--ram", "512", "--disk", "100000",
        "huge-disk");
    cli.openstack("strato", "server", "resize", "--flavor", "huge-disk", "--wait", "rs-vm");
    JsonObject shown = show();
    assertThat(shown.getString("status")).isEqualTo("ACTIVE");
    assertThat(shown.getString("flavor")).contains("m1.small");
    assertThat(ramUsed()).isEqualTo(2048);
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "--long", "rs-vm", "-f",
        "json"));
    JsonObject failed = actions.stream().map(a -> (JsonObject) a).filter(a -> a.getString("Action").equals("resize"))
        .findFirst().orElseThrow(); // newest first
    assertThat(failed.getString("Message")).isEqualTo("Error");
    String events = cli.openstack("strato-admin", "server", "event", "show", id, failed.getString("Request ID"),
        "-f", "json");
    assertThat(events).contains("cold_migrate", "No valid host");
  }

  @Test
  @Order(5)
  @DisplayName("server migrate (admin) --wait: a cold migration to VERIFY_RESIZE, confirmed to ACTIVE, same flavor")
  void coldMigrate() {
    cli.openstack("strato-admin", "server", "migrate", "--wait", id);
    JsonObject shown = show();
    assertThat(shown.getString("status")).isEqualTo("VERIFY_RESIZE");
    assertThat(shown.getString("flavor")).contains("m1.small");
    assertThat(ramUsed()).as("a migration counts no new quota").isEqualTo(2048);
    cli.openstack("strato", "server", "resize", "confirm", "rs-vm");
    awaitStatus("ACTIVE");
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "rs-vm", "-f", "json"));
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("Action"))).contains("migrate");
    JsonObject asAdmin = new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
    assertThat(asAdmin.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(HOST);
  }

  @Test
  @Order(6)
  @DisplayName("policy: a reader of the project may not resize (403); another project's member does not see the"
      + " server (404)")
  void policy() throws Exception {
    cli.openstack("strato-admin", "user", "create", "--project", "demo", "--password", "rs-pass-1", "rs-reader");
    cli.openstack("strato-admin", "role", "add", "--project", "demo", "--user", "rs-reader", "reader");
    cli.openstack("strato-admin", "project", "create", "rs-other");
    cli.openstack("strato-admin", "user", "create", "--project", "rs-other", "--password", "rs-pass-1", "rs-outsider");
    cli.openstack("strato-admin", "role", "add", "--project", "rs-other", "--user", "rs-outsider", "member");
    String authUrl = Files.readString(dir.resolve("clouds.yaml")).lines().filter(l -> l.contains("auth_url"))
        .findFirst().orElseThrow().split("auth_url: ")[1];
    Path clouds = dir.resolve("resize-clouds.yaml");
    StringBuilder yaml = new StringBuilder("clouds:\n");
    for (String[] u : new String[][] {{"rs-reader", "demo"}, {"rs-outsider", "rs-other"}}) {
      yaml.append("  ").append(u[0]).append(":\n    auth:\n      auth_url: ").append(authUrl)
          .append("\n      username: ").append(u[0]).append("\n      password: rs-pass-1\n      project_name: ")
          .append(u[1]).append("\n      user_domain_name: Default\n      project_domain_name: Default\n")
          .append("    identity_api_version: 3\n");
    }
    Files.writeString(clouds, yaml);
    Cli others = new Cli(clouds);
    Cli.Result reader = others.run(List.of("openstack", "--os-cloud", "rs-reader", "server", "resize", "--flavor",
        "m1.medium", id), Map.of());
    assertThat(reader.exit()).isNotZero();
    assertThat(reader.err()).contains("403");
    Cli.Result outsider = others.run(List.of("openstack", "--os-cloud", "rs-outsider", "server", "resize", "--flavor",
        "m1.medium", id), Map.of());
    assertThat(outsider.exit()).isNotZero();
    assertThat(outsider.err()).contains("No server with a name or ID");
    assertThat(show().getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  @Order(7)
  @DisplayName("server migrate --live-migration and server evacuate (admin), server set --password: refused with"
      + " Nova's reasons (no live migration here, the host is up, no guest agent); the server stays ACTIVE")
  void unsupportedActions() {
    assertFailsAs("strato-admin", List.of("server", "migrate", "--live-migration", id), "Migration pre-check error");
    assertFailsAs("strato-admin", List.of("server", "evacuate", id), "is still in use");
    assertFailsAs("strato", List.of("server", "set", "--password", "n3w-Pass", "rs-vm"),
        "QEMU guest agent is not enabled");
    assertThat(show().getString("status")).isEqualTo("ACTIVE");
    JsonArray actions = new JsonArray(cli.openstack("strato", "server", "event", "list", "rs-vm", "-f", "json"));
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("Action")))
        .contains("live-migration", "changePassword");
  }

  private static void assertFailsAs(String cloudName, List<String> args, String expected) {
    List<String> cmd = new java.util.ArrayList<>(List.of("openstack", "--os-cloud", cloudName));
    cmd.addAll(args);
    Cli.Result r = cli.run(cmd, Map.of());
    assertThat(r.exit()).as(String.join(" ", args) + " should fail: " + r.out()).isNotZero();
    assertThat(r.err()).as(String.join(" ", args)).contains(expected);
  }

  private static void assertFails(List<String> args, String expected) {
    assertFailsAs("strato", args, expected);
  }

  private static JsonObject show() {
    return new JsonObject(cli.openstack("strato", "server", "show", "rs-vm", "-f", "json"));
  }

  private static int ramUsed() {
    JsonArray limits = new JsonArray(cli.openstack("strato", "limits", "show", "--absolute", "-f", "json"));
    return limits.stream().map(l -> (JsonObject) l).filter(l -> l.getString("Name").equals("totalRAMUsed"))
        .findFirst().orElseThrow().getInteger("Value");
  }

  private static Path instances() {
    return dir.resolve("data").resolve("agent").resolve("instances");
  }

  private static void awaitStatus(String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      String now = show().getString("status");
      if (status.equals(now)) return;
      assertThat(System.currentTimeMillis()).as("rs-vm stayed " + now + ", expected " + status).isLessThan(deadline);
    }
  }

  /** The all-in-one runs in this JVM, and test:///default keeps its domains per process: look there. */
  private static long domainMemoryMb() throws Exception {
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      return c.domainLookupByUUIDString(id).getMaxMemory() / 1024;
    } finally {
      c.close();
    }
  }
}
