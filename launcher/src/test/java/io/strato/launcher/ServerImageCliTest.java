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
 * Server snapshots and rebuilds on the all-in-one, through the real {@code openstack} and {@code nova} clients:
 * {@code server image create --wait}, {@code nova image-create --poll}, a server booted from the snapshot, and
 * {@code server rebuild --wait}.
 */
@ExtendWith(SharedInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerImageCliTest {
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-aio-image");
    cloud = new AllInOne();
    cloud.start(TestClouds.settings(dir, "image-cli-host", Map.of()), TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @Order(1)
  @DisplayName("openstack server image create --wait makes an active snapshot image; the server stays ACTIVE with a"
      + " createImage action; a server boots from the snapshot; nova image-create --poll works too")
  void snapshot() throws Exception {
    JsonObject vm = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor",
        "m1.tiny", "--network", "private", "--wait", "snap-vm", "-f", "json"));
    assertThat(vm.getString("status")).isEqualTo("ACTIVE");

    JsonObject image = new JsonObject(cli.openstack("strato", "server", "image", "create", "--name", "snap-image",
        "--property", "purpose=cli", "--wait", "snap-vm", "-f", "json"));
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("disk_format")).isEqualTo("qcow2");
    String properties = String.valueOf(image.getValue("properties"));
    assertThat(properties).contains("snapshot", vm.getString("id"), "purpose");
    JsonObject token = new JsonObject(cli.openstack("strato", "token", "issue", "-f", "json"));
    assertThat(image.getString("owner")).isEqualTo(token.getString("project_id"));

    JsonObject shown = awaitNoTask("snap-vm");
    assertThat(shown.getString("status")).isEqualTo("ACTIVE");
    JsonArray events = new JsonArray(cli.openstack("strato", "server", "event", "list", "snap-vm", "-f", "json"));
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("Action"))).contains("create", "createImage");

    JsonObject fromSnapshot = new JsonObject(cli.openstack("strato", "server", "create", "--image", "snap-image",
        "--flavor", "m1.tiny", "--network", "private", "--wait", "from-snap", "-f", "json"));
    assertThat(fromSnapshot.getString("status")).isEqualTo("ACTIVE");
    assertThat(fromSnapshot.getString("image")).contains("snap-image");

    var nova = cli.run(List.of("nova", "image-create", "--poll", "snap-vm", "nova-image"),
        Cli.openrc(dir.resolve("openrc")));
    assertThat(nova.exit()).as(nova.out() + nova.err()).isZero();
    JsonObject novaImage = new JsonObject(cli.openstack("strato", "image", "show", "nova-image", "-f", "json"));
    assertThat(novaImage.getString("status")).isEqualTo("active");
  }

  @Test
  @Order(2)
  @DisplayName("openstack server rebuild --image --wait rebuilds the server from the snapshot on the same host with"
      + " the same address; nova rebuild --poll rebuilds it from cirros again")
  void rebuild() throws Exception {
    // The admin shows the host; by id, since a name is looked up in the admin's own project.
    String id = new JsonObject(cli.openstack("strato", "server", "show", "snap-vm", "-f", "json")).getString("id");
    JsonObject before = new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
    // --wait prints its progress before the table, so the answer is read with server show.
    cli.openstack("strato", "server", "rebuild", "--image", "snap-image", "--wait", "snap-vm");
    JsonObject after = new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
    assertThat(after.getString("status")).isEqualTo("ACTIVE");
    assertThat(after.getString("image")).contains("snap-image");
    assertThat(after.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(before.getString("OS-EXT-SRV-ATTR:host"));
    assertThat(String.valueOf(after.getValue("addresses"))).isEqualTo(String.valueOf(before.getValue("addresses")));
    JsonArray events = new JsonArray(cli.openstack("strato", "server", "event", "list", "snap-vm", "-f", "json"));
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("Action"))).contains("rebuild");

    var nova = cli.run(List.of("nova", "rebuild", "--poll", "snap-vm", "cirros"), Cli.openrc(dir.resolve("openrc")));
    assertThat(nova.exit()).as(nova.out() + nova.err()).isZero();
    JsonObject again = awaitNoTask("snap-vm");
    assertThat(again.getString("status")).isEqualTo("ACTIVE");
    assertThat(again.getString("image")).contains("cirros");
  }

  @Test
  @Order(3)
  @DisplayName("a snapshot of a deleted server is refused with 404 and makes no image")
  void snapshotOfDeletedServer() {
    JsonObject vm = new JsonObject(cli.openstack("strato", "server", "show", "from-snap", "-f", "json"));
    cli.openstack("strato", "server", "delete", "--wait", "from-snap");
    var refused = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "image", "create", "--name",
        "of-deleted", vm.getString("id")), Map.of());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).containsAnyOf("404", "No Server found");
    JsonArray images = new JsonArray(cli.openstack("strato", "image", "list", "-f", "json"));
    assertThat(images.stream().map(i -> ((JsonObject) i).getString("Name"))).doesNotContain("of-deleted");
  }

  private static JsonObject awaitNoTask(String server) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      JsonObject s = new JsonObject(cli.openstack("strato", "server", "show", server, "-f", "json"));
      if (s.getValue("OS-EXT-STS:task_state") == null) return s;
      assertThat(System.currentTimeMillis()).as(server + " stayed in " + s.getValue("OS-EXT-STS:task_state"))
          .isLessThan(deadline);
    }
  }
}
