package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class VolumeApiTest {
  private static final long GIB = 1L << 30;
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  @Test
  @DisplayName("version discovery lists v3.0 with microversions 3.0 to 3.71; GET / answers 300, GET /v3/ 200")
  void versionDiscovery() {
    var root = cloud.call(HttpMethod.GET, "/", null, null);
    assertThat(root.statusCode()).isEqualTo(300);
    JsonObject v3 = root.bodyAsJsonObject().getJsonArray("versions").getJsonObject(0);
    assertThat(v3.getString("id")).isEqualTo("v3.0");
    assertThat(v3.getString("status")).isEqualTo("CURRENT");
    assertThat(v3.getString("version")).isEqualTo("3.71");
    assertThat(v3.getString("min_version")).isEqualTo("3.0");
    var v3doc = cloud.call(HttpMethod.GET, "/v3/", null, null);
    assertThat(v3doc.statusCode()).isEqualTo(200);
    assertThat(v3doc.bodyAsJsonObject().getJsonArray("versions")).hasSize(1);
  }

  @Test
  @DisplayName("a blank 1 GB volume goes creating -> available, backed by a sparse raw file of exactly 1 GiB")
  void blankVolume() throws Exception {
    var m = cloud.identity.newProject("blank");
    String id = cloud.create(m, new JsonObject().put("size", 1).put("name", "data").put("description", "scratch")
        .put("metadata", new JsonObject().put("purpose", "test")));
    JsonObject volume = cloud.awaitStatus(m, id, "available");
    assertThat(volume.getInteger("size")).isEqualTo(1);
    assertThat(volume.getString("name")).isEqualTo("data");
    assertThat(volume.getString("bootable")).isEqualTo("false");
    assertThat(volume.getBoolean("encrypted")).isFalse();
    assertThat(volume.getBoolean("multiattach")).isFalse();
    assertThat(volume.getString("volume_type")).isEqualTo("__DEFAULT__");
    assertThat(volume.getString("availability_zone")).isEqualTo("nova");
    assertThat(volume.containsKey("os-vol-tenant-attr:tenant_id")).as("admin-only field").isFalse();
    assertThat(volume.getString("user_id")).isEqualTo(m.userId());
    assertThat(volume.getJsonObject("metadata").getString("purpose")).isEqualTo("test");
    assertThat(volume.getJsonArray("attachments")).isEmpty();
    assertThat(volume.containsKey("os-vol-host-attr:host")).as("admin-only field").isFalse();
    Path file = cloud.fileOf(id);
    assertThat(Files.size(file)).isEqualTo(GIB);
    assertThat(allocatedKiB(file)).as("the file is sparse").isLessThan(1024);
  }

  @Test
  @DisplayName("a volume from an image gets the image's bytes, is bootable and carries the image's metadata")
  void volumeFromImage() throws Exception {
    var m = cloud.identity.newProject("fromimg");
    byte[] data = new byte[3_000_000];
    new Random(7).nextBytes(data);
    String imageId = cloud.image(m, data, "raw");
    String id = cloud.create(m, new JsonObject().put("size", 1).put("name", "boot").put("imageRef", imageId));
    JsonObject volume = cloud.awaitStatus(m, id, "available");
    assertThat(volume.getString("bootable")).isEqualTo("true");
    JsonObject meta = volume.getJsonObject("volume_image_metadata");
    assertThat(meta.getString("image_id")).isEqualTo(imageId);
    assertThat(meta.getString("image_name")).isEqualTo("vol-src");
    assertThat(meta.getString("disk_format")).isEqualTo("raw");
    assertThat(meta.getString("hw_disk_bus")).isEqualTo("virtio");
    Path file = cloud.fileOf(id);
    assertThat(Files.size(file)).as("grown to the volume's size").isEqualTo(GIB);
    byte[] head = new byte[data.length];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      f.readFully(head);
    }
    assertThat(Arrays.equals(head, data)).as("the image's bytes were copied").isTrue();
  }

  @Test
  @DisplayName("an image bigger than the volume, or not active, is refused with 400 before anything is made")
  void imageThatDoesNotFit() {
    var m = cloud.identity.newProject("nofit");
    String imageId = cloud.image(m, new byte[1000], "raw");
    var queued = cloud.identity.call(HttpMethod.POST, cloud.imagePort, "/v2/images", m.token(),
        new JsonObject().put("name", "empty"), java.util.Map.of()).bodyAsJsonObject().getString("id");
    var notActive = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes", m.token(),
        new JsonObject().put("volume", new JsonObject().put("size", 1).put("imageRef", queued)));
    assertThat(notActive.statusCode()).isEqualTo(400);
    var unknown = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes", m.token(),
        new JsonObject().put("volume", new JsonObject().put("size", 1)
            .put("imageRef", java.util.UUID.randomUUID().toString())));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .contains("Invalid image identifier");
    assertThat(cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/volumes", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volumes")).isEmpty();
    assertThat(imageId).isNotNull();
  }

  @Test
  @DisplayName("os-extend grows an available volume and its file; a smaller or equal size answers 400")
  void extend() throws Exception {
    var m = cloud.identity.newProject("extend");
    String id = cloud.create(m, new JsonObject().put("size", 1));
    cloud.awaitStatus(m, id, "available");
    String action = "/v3/" + m.projectId() + "/volumes/" + id + "/action";
    assertThat(cloud.call(HttpMethod.POST, action, m.token(), new JsonObject().put("os-extend",
        new JsonObject().put("new_size", 1))).statusCode()).isEqualTo(400);
    var resp = cloud.call(HttpMethod.POST, action, m.token(), new JsonObject().put("os-extend",
        new JsonObject().put("new_size", 3)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    long deadline = System.currentTimeMillis() + 30_000;
    while (cloud.show(m, id).getInteger("size") != 3) {
      assertThat(System.currentTimeMillis()).as("never extended").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(cloud.show(m, id).getString("status")).isEqualTo("available");
    assertThat(Files.size(cloud.fileOf(id))).isEqualTo(3 * GIB);
    JsonObject usage = cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/os-quota-sets/" + m.projectId()
        + "?usage=true", m.token(), null).bodyAsJsonObject().getJsonObject("quota_set");
    assertThat(usage.getJsonObject("gigabytes").getInteger("in_use")).isEqualTo(3);
  }

  @Test
  @DisplayName("name, description and metadata can be changed; list, detail, filters and paging show the project's volumes")
  void updateAndList() {
    var m = cloud.identity.newProject("list");
    String a = cloud.create(m, new JsonObject().put("size", 1).put("name", "alpha"));
    String b = cloud.create(m, new JsonObject().put("size", 1).put("name", "beta"));
    cloud.awaitStatus(m, a, "available");
    cloud.awaitStatus(m, b, "available");
    String base = "/v3/" + m.projectId() + "/volumes";
    var updated = cloud.call(HttpMethod.PUT, base + "/" + a, m.token(), new JsonObject().put("volume",
        new JsonObject().put("name", "gamma").put("description", "renamed")));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonObject("volume").getString("name")).isEqualTo("gamma");
    var meta = cloud.call(HttpMethod.POST, base + "/" + a + "/metadata", m.token(),
        new JsonObject().put("metadata", new JsonObject().put("k", "v")));
    assertThat(meta.bodyAsJsonObject().getJsonObject("metadata").getString("k")).isEqualTo("v");
    assertThat(cloud.call(HttpMethod.DELETE, base + "/" + a + "/metadata/k", m.token(), null).statusCode())
        .isEqualTo(200);
    assertThat(cloud.show(m, a).getJsonObject("metadata")).isEmpty();

    JsonArray summary = cloud.call(HttpMethod.GET, base, m.token(), null).bodyAsJsonObject().getJsonArray("volumes");
    assertThat(summary).hasSize(2);
    assertThat(summary.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "name", "links");
    JsonArray byName = cloud.call(HttpMethod.GET, base + "/detail?name=gamma", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volumes");
    assertThat(byName).hasSize(1);
    assertThat(byName.getJsonObject(0).getString("id")).isEqualTo(a);
    assertThat(byName.getJsonObject(0).getString("status")).isEqualTo("available");
    JsonObject page = cloud.call(HttpMethod.GET, base + "/detail?limit=1", m.token(), null).bodyAsJsonObject();
    assertThat(page.getJsonArray("volumes")).hasSize(1);
    String first = page.getJsonArray("volumes").getJsonObject(0).getString("id");
    assertThat(page.getJsonArray("volumes_links").getJsonObject(0).getString("href")).contains("marker=" + first);
    JsonArray rest = cloud.call(HttpMethod.GET, base + "/detail?marker=" + first, m.token(), null)
        .bodyAsJsonObject().getJsonArray("volumes");
    assertThat(rest).hasSize(1);
    assertThat(rest.getJsonObject(0).getString("id")).isNotEqualTo(first);
    assertThat(cloud.call(HttpMethod.GET, base + "/detail?status=error", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volumes")).isEmpty();

    String admin = cloud.identity.adminToken();
    JsonArray all = cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/volumes/detail?all_tenants=1&project_id="
        + m.projectId(), admin, null).bodyAsJsonObject().getJsonArray("volumes");
    assertThat(all).hasSize(2);
    assertThat(all.getJsonObject(0).getString("os-vol-host-attr:host")).isNotNull();
    assertThat(all.getJsonObject(0).getString("os-vol-tenant-attr:tenant_id")).isEqualTo(m.projectId());
  }

  @Test
  @DisplayName("a deleted volume answers 202, goes away with its file, and gives its quota back")
  void delete() {
    var m = cloud.identity.newProject("del");
    String id = cloud.create(m, new JsonObject().put("size", 2));
    cloud.awaitStatus(m, id, "available");
    var resp = cloud.call(HttpMethod.DELETE, "/v3/" + m.projectId() + "/volumes/" + id, m.token(), null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    cloud.awaitGone(m, id);
    assertThat(cloud.fileOf(id)).doesNotExist();
    JsonObject limits = cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/limits", m.token(), null)
        .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalVolumesUsed")).isZero();
    assertThat(limits.getInteger("totalGigabytesUsed")).isZero();
    assertThat(limits.getInteger("maxTotalVolumes")).isEqualTo(10);
  }

  @Test
  @DisplayName("another project's volume answers 404, and another project's URL answers 400 Malformed request url")
  void projectsAreIsolated() {
    var alice = cloud.identity.newProject("alice");
    var bob = cloud.identity.newProject("bob");
    String id = cloud.create(alice, new JsonObject().put("size", 1));
    String bobs = "/v3/" + bob.projectId() + "/volumes/" + id;
    assertThat(cloud.call(HttpMethod.GET, bobs, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.DELETE, bobs, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.PUT, bobs, bob.token(), new JsonObject().put("volume",
        new JsonObject().put("name", "mine"))).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.POST, bobs + "/action", bob.token(), new JsonObject().put("os-extend",
        new JsonObject().put("new_size", 2))).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.POST, "/v3/" + bob.projectId() + "/attachments", bob.token(),
        new JsonObject().put("attachment", new JsonObject().put("volume_uuid", id)), VolumeCloud.ATTACH_VERSION)
        .statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, "/v3/" + bob.projectId() + "/volumes", bob.token(), null)
        .bodyAsJsonObject().getJsonArray("volumes")).isEmpty();
    var foreignUrl = cloud.call(HttpMethod.GET, "/v3/" + alice.projectId() + "/volumes", bob.token(), null);
    assertThat(foreignUrl.statusCode()).isEqualTo(400);
    assertThat(foreignUrl.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .isEqualTo("Malformed request url");
    assertThat(cloud.call(HttpMethod.GET, "/v3/volumes/" + id, alice.token(), null).statusCode())
        .as("the project id is optional in the URL").isEqualTo(200);
    assertThat(cloud.call(HttpMethod.GET, "/v3/" + alice.projectId() + "/volumes/" + id, cloud.identity.adminToken(),
        null).statusCode()).as("an admin sees every volume").isEqualTo(200);
  }

  @Test
  @DisplayName("the CLI's lookups answer: volume types, availability zones, limits")
  void catalogLookups() {
    var m = cloud.identity.newProject("cli");
    String p = "/v3/" + m.projectId();
    JsonArray types = cloud.call(HttpMethod.GET, p + "/types", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volume_types");
    assertThat(types.getJsonObject(0).getString("name")).isEqualTo("__DEFAULT__");
    assertThat(cloud.call(HttpMethod.GET, p + "/types/" + types.getJsonObject(0).getString("id"), m.token(), null)
        .statusCode()).isEqualTo(200);
    JsonObject zone = cloud.call(HttpMethod.GET, p + "/os-availability-zone", m.token(), null).bodyAsJsonObject()
        .getJsonArray("availabilityZoneInfo").getJsonObject(0);
    assertThat(zone.getString("zoneName")).isEqualTo("nova");
    assertThat(zone.getJsonObject("zoneState").getBoolean("available")).isTrue();
    var withVersion = cloud.call(HttpMethod.GET, p + "/volumes", m.token(), null, "volume 3.60");
    assertThat(withVersion.getHeader("OpenStack-API-Version")).isEqualTo("volume 3.60");
  }

  /** Blocks actually allocated on disk, as {@code du} reports them. */
  private static long allocatedKiB(Path file) throws Exception {
    Process p = new ProcessBuilder("du", "-k", file.toString()).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
