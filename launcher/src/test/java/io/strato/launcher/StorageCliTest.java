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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Block storage, image and identity operations of the all-in-one through the real {@code openstack} client, with
 * its refusals: volume snapshots and volumes made from them, image sharing and deactivation, application credentials.
 */
@ExtendWith(SharedInfrastructure.class)
class StorageCliTest {
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-storage-cli");
    cloud = new AllInOne();
    cloud.start(TestClouds.settings(dir, "storage-cli-host", Map.of()), TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @DisplayName("openstack volume snapshot create/list/show/set/delete; volume create --snapshot; a volume with a"
      + " snapshot cannot be deleted (400); an in-use volume needs --force")
  void volumeSnapshots() {
    cli.openstack("strato", "volume", "create", "--size", "1", "snap-src");
    cli.awaitVolume("strato", "snap-src", "available");
    JsonObject created = new JsonObject(cli.openstack("strato", "volume", "snapshot", "create", "--volume",
        "snap-src", "--description", "first", "--property", "purpose=cli", "snap-1", "-f", "json"));
    assertThat(created.getString("status")).isIn("creating", "available");
    JsonObject snap = awaitSnapshot("snap-1", "available");
    String volumeId = new JsonObject(cli.openstack("strato", "volume", "show", "snap-src", "-f", "json"))
        .getString("id");
    assertThat(snap.getString("volume_id")).isEqualTo(volumeId);
    assertThat(snap.getInteger("size")).isEqualTo(1);
    assertThat(String.valueOf(snap.getValue("properties"))).contains("purpose");

    JsonArray listed = new JsonArray(cli.openstack("strato", "volume", "snapshot", "list", "--volume", "snap-src",
        "-f", "json"));
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("Name")).isEqualTo("snap-1");
    cli.openstack("strato", "volume", "snapshot", "set", "--name", "snap-2", "--description", "renamed",
        "--property", "more=yes", "snap-1");
    JsonObject renamed = awaitSnapshot("snap-2", "available");
    assertThat(renamed.getString("description")).isEqualTo("renamed");
    assertThat(String.valueOf(renamed.getValue("properties"))).contains("more");

    JsonObject copy = new JsonObject(cli.openstack("strato", "volume", "create", "--snapshot", "snap-2", "--size", "2",
        "snap-copy", "-f", "json"));
    assertThat(copy.getString("snapshot_id")).isEqualTo(snap.getString("id"));
    assertThat(cli.awaitVolume("strato", "snap-copy", "available").getInteger("size")).isEqualTo(2);

    var refused = cli.run(List.of("openstack", "--os-cloud", "strato", "volume", "delete", "snap-src"), Map.of());
    assertThat(refused.exit()).as("a volume with snapshots").isNotZero();
    assertThat(refused.err()).contains("Invalid volume").contains("400");

    cli.openstack("strato-admin", "volume", "set", "--state", "in-use", volumeId);
    var unforced = cli.run(List.of("openstack", "--os-cloud", "strato", "volume", "snapshot", "create", "--volume",
        "snap-src", "snap-unforced"), Map.of());
    assertThat(unforced.exit()).as("an in-use volume without --force").isNotZero();
    assertThat(unforced.err()).contains("in-use").contains("400");
    cli.openstack("strato", "volume", "snapshot", "create", "--volume", "snap-src", "--force", "snap-forced");
    awaitSnapshot("snap-forced", "available");
    cli.openstack("strato-admin", "volume", "set", "--state", "available", volumeId);

    cli.openstack("strato", "volume", "snapshot", "delete", "snap-2", "snap-forced");
    awaitNoSnapshots();
    cli.openstack("strato", "volume", "delete", "snap-src");
    assertThat(cli.awaitVolume("strato", "snap-copy", "available").getString("snapshot_id"))
        .as("a volume outlives its snapshot").isEqualTo(snap.getString("id"));
  }

  @Test
  @DisplayName("openstack image add project shares a shared image; the project accepts it (image set --accept) and"
      + " lists it; image remove project takes it back; an admin's image set --deactivate refuses its download (403)"
      + " and boots from it (400) until --activate")
  void imageSharingAndDeactivation() throws Exception {
    Path disk = dir.resolve("shared.raw");
    Files.write(disk, new byte[65536]);
    String image = new JsonObject(cli.openstack("strato", "image", "create", "--file", disk.toString(),
        "--disk-format", "raw", "--container-format", "bare", "--shared", "shared-img", "-f", "json"))
        .getString("id");
    Cli guest = cli.userCloud("guest-project", "guest", "member");
    String guestProject = new JsonObject(cli.openstack("strato-admin", "project", "show", "guest-project", "-f",
        "json")).getString("id");
    cli.openstack("strato", "image", "add", "project", "shared-img", guestProject);
    JsonArray members = new JsonArray(cli.openstack("strato", "image", "member", "list", "shared-img", "-f", "json"));
    assertThat(members.encode()).contains(guestProject).contains("pending");
    assertThat(guest.openstack("guest", "image", "list", "-f", "json")).doesNotContain(image);
    guest.openstack("guest", "image", "set", "--accept", image);
    assertThat(guest.openstack("guest", "image", "list", "-f", "json")).contains(image);
    assertThat(new JsonObject(guest.openstack("guest", "image", "show", image, "-f", "json")).getString("status"))
        .isEqualTo("active");
    cli.openstack("strato", "image", "remove", "project", "shared-img", guestProject);
    assertThat(guest.run(List.of("openstack", "--os-cloud", "guest", "image", "show", image), Map.of()).exit())
        .as("no longer shared").isNotZero();

    cli.openstack("strato-admin", "image", "set", "--deactivate", image);
    var save = cli.run(List.of("openstack", "--os-cloud", "strato", "image", "save", "--file",
        dir.resolve("out.raw").toString(), image), Map.of());
    assertThat(save.exit()).as("the data of a deactivated image").isNotZero();
    assertThat(save.err()).as("the SDK's words for Glance's 403").contains("Unable to download image");
    var boot = cli.run(List.of("openstack", "--os-cloud", "strato", "server", "create", "--image", image, "--flavor",
        "m1.tiny", "--network", "private", "from-deactivated"), Map.of());
    assertThat(boot.exit()).as("a boot from a deactivated image").isNotZero();
    assertThat(boot.err()).contains("is not active").contains("400");
    cli.openstack("strato-admin", "image", "set", "--activate", image);
    cli.openstack("strato", "image", "save", "--file", dir.resolve("out.raw").toString(), image);
    assertThat(Files.size(dir.resolve("out.raw"))).isEqualTo(65536);
  }

  @Test
  @DisplayName("openstack application credential create, then openstack server list with OS_AUTH_TYPE="
      + "v3applicationcredential; a deleted credential logs in no more")
  void applicationCredentials() throws Exception {
    JsonObject cred = new JsonObject(cli.openstack("strato", "application", "credential", "create", "--description",
        "ci", "ci-cred", "-f", "json"));
    Map<String, String> env = Map.of("OS_AUTH_TYPE", "v3applicationcredential", "OS_AUTH_URL", cli.authUrl(),
        "OS_APPLICATION_CREDENTIAL_ID", cred.getString("id"), "OS_APPLICATION_CREDENTIAL_SECRET",
        cred.getString("secret"), "OS_IDENTITY_API_VERSION", "3");
    var servers = cli.run(List.of("openstack", "server", "list", "-f", "json"), env);
    assertThat(servers.exit()).as(servers.err()).isZero();
    var volumes = cli.run(List.of("openstack", "volume", "list", "-f", "json"), env);
    assertThat(volumes.exit()).as(volumes.err()).isZero();
    assertThat(cli.openstack("strato", "application", "credential", "list", "-f", "json")).contains("ci-cred");
    cli.openstack("strato", "application", "credential", "delete", "ci-cred");
    var refused = cli.run(List.of("openstack", "server", "list"), env);
    assertThat(refused.exit()).as("a deleted credential").isNotZero();
    assertThat(refused.err()).contains("401");
  }

  private static JsonObject awaitSnapshot(String name, String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      JsonObject s = new JsonObject(cli.openstack("strato", "volume", "snapshot", "show", name, "-f", "json"));
      if (status.equals(s.getString("status"))) return s;
      assertThat(System.currentTimeMillis()).as(name + " stayed " + s.getString("status")).isLessThan(deadline);
    }
  }

  private static void awaitNoSnapshots() {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!new JsonArray(cli.openstack("strato", "volume", "snapshot", "list", "-f", "json")).isEmpty()) {
      assertThat(System.currentTimeMillis()).as("the snapshots were never deleted").isLessThan(deadline);
    }
  }
}
