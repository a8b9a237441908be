package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cinder's volume snapshots: lifecycle, volumes made from them, quotas, policy and bad input. */
@ExtendWith(SharedInfrastructure.class)
class VolumeSnapshotApiTest {
  private static final long GIB = 1L << 30;
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  private static String base(TestIdentity.Member m) {
    return "/v3/" + m.projectId();
  }

  private static HttpResponse<Buffer> snapshot(TestIdentity.Member m, JsonObject fields) {
    return cloud.call(HttpMethod.POST, base(m) + "/snapshots", m.token(), new JsonObject().put("snapshot", fields));
  }

  /** Creates a snapshot (202, creating) and waits until it is available; answers it. */
  private static JsonObject availableSnapshot(TestIdentity.Member m, String volume, String name) {
    var resp = snapshot(m, new JsonObject().put("volume_id", volume).put("name", name).put("force", false));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    JsonObject created = resp.bodyAsJsonObject().getJsonObject("snapshot");
    assertThat(created.getString("status")).isEqualTo("creating");
    return awaitSnapshot(m, created.getString("id"), "available");
  }

  private static JsonObject awaitSnapshot(TestIdentity.Member m, String id, String status) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      var resp = cloud.call(HttpMethod.GET, base(m) + "/snapshots/" + id, m.token(), null);
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
      JsonObject s = resp.bodyAsJsonObject().getJsonObject("snapshot");
      if (s.getString("status").equals(status)) return s;
      assertThat(s.getString("status")).as("snapshot %s went to error", id).doesNotStartWith("error");
      assertThat(System.currentTimeMillis()).as("snapshot %s never became %s: %s", id, status, s).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static void awaitSnapshotGone(TestIdentity.Member m, String id) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (cloud.call(HttpMethod.GET, base(m) + "/snapshots/" + id, m.token(), null).statusCode() != 404) {
      assertThat(System.currentTimeMillis()).as("snapshot %s never went away", id).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static JsonObject usage(TestIdentity.Member m) {
    return cloud.call(HttpMethod.GET, base(m) + "/os-quota-sets/" + m.projectId() + "?usage=true", m.token(), null)
        .bodyAsJsonObject().getJsonObject("quota_set");
  }

  private static String availableVolume(TestIdentity.Member m, int size) {
    String id = cloud.create(m, new JsonObject().put("size", size));
    cloud.awaitStatus(m, id, "available");
    return id;
  }

  @Test
  @DisplayName("a snapshot keeps the volume's bytes as they were; a bigger volume made from it has them, is named by"
      + " snapshot_id, and the volume cannot be deleted (400) until its snapshots are")
  void snapshotAndVolumeFromIt() throws Exception {
    var m = cloud.identity.newProject("snap");
    String volume = availableVolume(m, 1);
    byte[] data = new byte[1_000_000];
    new Random(11).nextBytes(data);
    try (RandomAccessFile f = new RandomAccessFile(cloud.fileOf(volume).toFile(), "rw")) {
      f.write(data);
    }
    JsonObject snap = availableSnapshot(m, volume, "before");
    assertThat(snap.getString("volume_id")).isEqualTo(volume);
    assertThat(snap.getInteger("size")).isEqualTo(1);
    assertThat(snap.getString("name")).isEqualTo("before");
    assertThat(snap.getString("os-extended-snapshot-attributes:project_id")).isEqualTo(m.projectId());
    assertThat(snap.getString("os-extended-snapshot-attributes:progress")).isEqualTo("100%");
    try (RandomAccessFile f = new RandomAccessFile(cloud.fileOf(volume).toFile(), "rw")) {
      f.write(new byte[data.length]);
    }

    String copy = cloud.create(m, new JsonObject().put("size", 2).put("snapshot_id", snap.getString("id")));
    JsonObject made = cloud.awaitStatus(m, copy, "available");
    assertThat(made.getString("snapshot_id")).isEqualTo(snap.getString("id"));
    assertThat(made.getInteger("size")).isEqualTo(2);
    assertThat(Files.size(cloud.fileOf(copy))).isEqualTo(2 * GIB);
    byte[] head = new byte[data.length];
    try (RandomAccessFile f = new RandomAccessFile(cloud.fileOf(copy).toFile(), "r")) {
      f.readFully(head);
    }
    assertThat(Arrays.equals(head, data)).as("the volume has the snapshot's bytes, not the volume's later ones")
        .isTrue();
    var sameSize = cloud.call(HttpMethod.POST, base(m) + "/volumes", m.token(), new JsonObject().put("volume",
        new JsonObject().putNull("size").put("snapshot_id", snap.getString("id"))));
    assertThat(sameSize.statusCode()).as(sameSize.bodyAsString()).isEqualTo(202);
    assertThat(sameSize.bodyAsJsonObject().getJsonObject("volume").getInteger("size")).as("the snapshot's size")
        .isEqualTo(1);
    cloud.awaitStatus(m, sameSize.bodyAsJsonObject().getJsonObject("volume").getString("id"), "available");

    var refused = cloud.call(HttpMethod.DELETE, base(m) + "/volumes/" + volume, m.token(), null);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .startsWith("Invalid volume:").contains("have snapshots");
    assertThat(cloud.show(m, volume).getString("status")).isEqualTo("available");

    var deleted = cloud.call(HttpMethod.DELETE, base(m) + "/snapshots/" + snap.getString("id"), m.token(), null);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(202);
    awaitSnapshotGone(m, snap.getString("id"));
    assertThat(cloud.volumeDir.resolve("snapshot-" + snap.getString("id"))).doesNotExist();
    assertThat(cloud.call(HttpMethod.DELETE, base(m) + "/volumes/" + volume, m.token(), null).statusCode())
        .isEqualTo(202);
    cloud.awaitGone(m, volume);
    assertThat(cloud.show(m, copy).getString("status")).as("a volume outlives its snapshot").isEqualTo("available");
  }

  @Test
  @DisplayName("list (summary, detail, volume_id/name/status filters, limit and marker), show, update and delete; an"
      + " in-use volume needs force before 3.66")
  void listUpdateAndForce() {
    var m = cloud.identity.newProject("snaplist");
    String a = availableVolume(m, 1);
    String b = availableVolume(m, 1);
    String sa = availableSnapshot(m, a, "alpha").getString("id");
    String sb = availableSnapshot(m, b, "beta").getString("id");
    String s = base(m) + "/snapshots";

    JsonArray summary = cloud.call(HttpMethod.GET, s, m.token(), null).bodyAsJsonObject().getJsonArray("snapshots");
    assertThat(summary).hasSize(2);
    assertThat(summary.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "created_at", "updated_at",
        "name", "description", "volume_id", "status", "size", "metadata");
    JsonArray detail = cloud.call(HttpMethod.GET, s + "/detail?volume_id=" + a, m.token(), null, "volume 3.65")
        .bodyAsJsonObject().getJsonArray("snapshots");
    assertThat(detail).hasSize(1);
    assertThat(detail.getJsonObject(0).getString("id")).isEqualTo(sa);
    assertThat(detail.getJsonObject(0).getString("user_id")).isEqualTo(m.userId());
    assertThat(detail.getJsonObject(0).getBoolean("consumes_quota")).isTrue();
    assertThat(cloud.call(HttpMethod.GET, s + "/detail?name=beta", m.token(), null).bodyAsJsonObject()
        .getJsonArray("snapshots").getJsonObject(0).getString("id")).isEqualTo(sb);
    assertThat(cloud.call(HttpMethod.GET, s + "?status=error", m.token(), null).bodyAsJsonObject()
        .getJsonArray("snapshots")).isEmpty();
    JsonObject page = cloud.call(HttpMethod.GET, s + "/detail?limit=1", m.token(), null).bodyAsJsonObject();
    String first = page.getJsonArray("snapshots").getJsonObject(0).getString("id");
    assertThat(first).isEqualTo(sb);
    assertThat(page.getJsonArray("snapshots_links").getJsonObject(0).getString("href")).contains("marker=" + sb);
    JsonArray rest = cloud.call(HttpMethod.GET, s + "/detail?marker=" + sb, m.token(), null).bodyAsJsonObject()
        .getJsonArray("snapshots");
    assertThat(rest).hasSize(1);
    assertThat(rest.getJsonObject(0).getString("id")).isEqualTo(sa);

    var updated = cloud.call(HttpMethod.PUT, s + "/" + sa, m.token(), new JsonObject().put("snapshot",
        new JsonObject().put("name", "gamma").put("description", "renamed")));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonObject("snapshot").getString("name")).isEqualTo("gamma");
    assertThat(updated.bodyAsJsonObject().getJsonObject("snapshot").getString("description")).isEqualTo("renamed");
    var meta = cloud.call(HttpMethod.POST, s + "/" + sa + "/metadata", m.token(),
        new JsonObject().put("metadata", new JsonObject().put("k", "v")));
    assertThat(meta.bodyAsJsonObject().getJsonObject("metadata").getString("k")).isEqualTo("v");

    var reset = cloud.call(HttpMethod.POST, base(m) + "/volumes/" + b + "/action", cloud.identity.adminToken(),
        new JsonObject().put("os-reset_status", new JsonObject().put("status", "in-use")));
    assertThat(reset.statusCode()).as(reset.bodyAsString()).isEqualTo(202);
    var noForce = snapshot(m, new JsonObject().put("volume_id", b));
    assertThat(noForce.statusCode()).isEqualTo(400);
    assertThat(noForce.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).isEqualTo(
        "Invalid volume: Volume " + b + " status must be available, but current status is: in-use.");
    var forced = snapshot(m, new JsonObject().put("volume_id", b).put("force", true));
    assertThat(forced.statusCode()).as(forced.bodyAsString()).isEqualTo(202);
    var mv66 = cloud.call(HttpMethod.POST, s, m.token(), new JsonObject().put("snapshot", new JsonObject()
        .put("volume_id", b)), "volume 3.66");
    assertThat(mv66.statusCode()).as(mv66.bodyAsString()).isEqualTo(202);

    assertThat(cloud.call(HttpMethod.DELETE, s + "/" + sb, m.token(), null).statusCode()).isEqualTo(202);
    awaitSnapshotGone(m, sb);
  }

  @Test
  @DisplayName("snapshots count against the snapshots and gigabytes quotas exactly: 8 parallel creates against 3"
      + " snapshots give 3; a snapshot past the gigabytes answers 413; deletes give both back")
  void quotas() {
    var m = cloud.identity.newProject("snapquota");
    String volume = availableVolume(m, 2);
    var set = cloud.call(HttpMethod.PUT, base(m) + "/os-quota-sets/" + m.projectId(), cloud.identity.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("snapshots", 3).put("gigabytes", 7)));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getJsonObject("quota_set").getInteger("snapshots")).isEqualTo(3);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(cloud.identity.http.post(cloud.volumePort, "127.0.0.1", base(m) + "/snapshots")
          .putHeader("X-Auth-Token", m.token())
          .sendJsonObject(new JsonObject().put("snapshot", new JsonObject().put("volume_id", volume))));
    }
    TestIdentity.await(Future.join(calls));
    List<HttpResponse<Buffer>> accepted = calls.stream().map(Future::result).filter(r -> r.statusCode() == 202)
        .toList();
    List<HttpResponse<Buffer>> refused = calls.stream().map(Future::result).filter(r -> r.statusCode() == 413)
        .toList();
    assertThat(accepted).as("2 GB volume + 3 snapshots of 2 GB = 8 GB > 7: only 2 fit the gigabytes").hasSize(2);
    assertThat(refused).hasSize(6);
    assertThat(refused.get(0).bodyAsJsonObject().getJsonObject("overLimit").getString("message"))
        .startsWith("VolumeSizeExceedsAvailableQuota");
    JsonObject used = usage(m);
    assertThat(used.getJsonObject("snapshots").getInteger("in_use")).isEqualTo(2);
    assertThat(used.getJsonObject("gigabytes").getInteger("in_use")).isEqualTo(6);

    cloud.call(HttpMethod.PUT, base(m) + "/os-quota-sets/" + m.projectId(), cloud.identity.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("snapshots", 2).put("gigabytes", 100)));
    var overCount = snapshot(m, new JsonObject().put("volume_id", volume));
    assertThat(overCount.statusCode()).isEqualTo(413);
    assertThat(overCount.bodyAsJsonObject().getJsonObject("overLimit").getString("message"))
        .isEqualTo("SnapshotLimitExceeded: Maximum number of snapshots allowed (2) exceeded");
    JsonObject limits = cloud.call(HttpMethod.GET, base(m) + "/limits", m.token(), null).bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("maxTotalSnapshots")).isEqualTo(2);
    assertThat(limits.getInteger("totalSnapshotsUsed")).isEqualTo(2);

    for (var r : accepted) {
      String id = r.bodyAsJsonObject().getJsonObject("snapshot").getString("id");
      awaitSnapshot(m, id, "available");
      assertThat(cloud.call(HttpMethod.DELETE, base(m) + "/snapshots/" + id, m.token(), null).statusCode())
          .isEqualTo(202);
      awaitSnapshotGone(m, id);
    }
    used = usage(m);
    assertThat(used.getJsonObject("snapshots").getInteger("in_use")).isZero();
    assertThat(used.getJsonObject("gigabytes").getInteger("in_use")).isEqualTo(2);
  }

  @Test
  @DisplayName("another project's snapshot answers 404 and its volume cannot be snapshotted (404); a reader reads but"
      + " cannot create, change or delete (403)")
  void policy() {
    var owner = cloud.identity.newProject("snapowner");
    var other = cloud.identity.newProject("snapother");
    String volume = availableVolume(owner, 1);
    String snap = availableSnapshot(owner, volume, "mine").getString("id");
    String theirs = base(other) + "/snapshots/" + snap;
    assertThat(cloud.call(HttpMethod.GET, theirs, other.token(), null).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.PUT, theirs, other.token(), new JsonObject().put("snapshot",
        new JsonObject().put("name", "x"))).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.DELETE, theirs, other.token(), null).statusCode()).isEqualTo(404);
    assertThat(snapshot(other, new JsonObject().put("volume_id", volume)).statusCode()).isEqualTo(404);
    var fromTheirs = cloud.call(HttpMethod.POST, base(other) + "/volumes", other.token(), new JsonObject()
        .put("volume", new JsonObject().put("size", 1).put("snapshot_id", snap)));
    assertThat(fromTheirs.statusCode()).isEqualTo(404);
    assertThat(fromTheirs.bodyAsJsonObject().getJsonObject("itemNotFound").getString("message"))
        .isEqualTo("Snapshot " + snap + " could not be found.");
    assertThat(cloud.call(HttpMethod.GET, base(other) + "/snapshots", other.token(), null).bodyAsJsonObject()
        .getJsonArray("snapshots")).isEmpty();

    String reader = cloud.identity.reader(owner.projectId());
    String mine = base(owner) + "/snapshots/" + snap;
    assertThat(cloud.call(HttpMethod.GET, mine, reader, null).statusCode()).isEqualTo(200);
    var create = cloud.call(HttpMethod.POST, base(owner) + "/snapshots", reader, new JsonObject().put("snapshot",
        new JsonObject().put("volume_id", volume)));
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(create.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
        .isEqualTo("Policy doesn't allow volume:create_snapshot to be performed.");
    assertThat(cloud.call(HttpMethod.PUT, mine, reader, new JsonObject().put("snapshot",
        new JsonObject().put("name", "x"))).statusCode()).isEqualTo(403);
    assertThat(cloud.call(HttpMethod.DELETE, mine, reader, null).statusCode()).isEqualTo(403);
    assertThat(awaitSnapshot(owner, snap, "available").getString("name")).isEqualTo("mine");
  }

  @Test
  @DisplayName("bad input answers 400 (or 404) in Cinder's fault format, nothing is made")
  void badInput() {
    var m = cloud.identity.newProject("snapbad");
    String volume = availableVolume(m, 1);
    for (JsonObject body : List.of(new JsonObject(), new JsonObject().put("volume_id", 7),
        new JsonObject().put("volume_id", volume).put("force", "maybe"),
        new JsonObject().put("volume_id", volume).put("name", "n".repeat(256)),
        new JsonObject().put("volume_id", volume).put("metadata", "k=v"),
        new JsonObject().put("volume_id", volume).put("bogus", 1))) {
      var resp = snapshot(m, body);
      assertThat(resp.statusCode()).as(body.encode() + " -> " + resp.bodyAsString()).isEqualTo(400);
      assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getInteger("code")).isEqualTo(400);
    }
    var notJson = cloud.call(HttpMethod.POST, base(m) + "/snapshots", m.token(), "{snapshot");
    assertThat(notJson.statusCode()).isEqualTo(400);
    var forceFalse66 = cloud.call(HttpMethod.POST, base(m) + "/snapshots", m.token(), new JsonObject()
        .put("snapshot", new JsonObject().put("volume_id", volume).put("force", false)), "volume 3.66");
    assertThat(forceFalse66.statusCode()).isEqualTo(400);
    assertThat(snapshot(m, new JsonObject().put("volume_id", UUID.randomUUID().toString())).statusCode())
        .isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, base(m) + "/snapshots/not-a-uuid", m.token(), null).statusCode())
        .isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, base(m) + "/snapshots?marker=nope", m.token(), null).statusCode())
        .isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, base(m) + "/snapshots?limit=-1", m.token(), null).statusCode())
        .isEqualTo(400);
    assertThat(cloud.call(HttpMethod.PUT, base(m) + "/snapshots/" + UUID.randomUUID(), m.token(), new JsonObject()
        .put("snapshot", new JsonObject().put("volume_id", volume))).statusCode()).isEqualTo(400);
    String snap = availableSnapshot(m, volume, "s").getString("id");
    var smaller = cloud.call(HttpMethod.POST, base(m) + "/volumes", m.token(), new JsonObject().put("volume",
        new JsonObject().put("size", 1).put("snapshot_id", snap).put("imageRef", UUID.randomUUID().toString())));
    assertThat(smaller.statusCode()).as("a snapshot and an image").isEqualTo(400);
    var unknown = cloud.call(HttpMethod.POST, base(m) + "/volumes", m.token(), new JsonObject().put("volume",
        new JsonObject().put("snapshot_id", UUID.randomUUID().toString())));
    assertThat(unknown.statusCode()).isEqualTo(404);
    var big = availableVolume(m, 3);
    String bigSnap = availableSnapshot(m, big, "big").getString("id");
    var tooSmall = cloud.call(HttpMethod.POST, base(m) + "/volumes", m.token(), new JsonObject().put("volume",
        new JsonObject().put("size", 2).put("snapshot_id", bigSnap)));
    assertThat(tooSmall.statusCode()).isEqualTo(400);
    assertThat(tooSmall.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).isEqualTo(
        "Invalid input received: Volume size '2'GB cannot be smaller than the snapshot size 3GB. They must be >="
            + " original snapshot size.");
    assertThat(cloud.call(HttpMethod.GET, base(m) + "/volumes", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volumes")).as("only the two volumes made on purpose").hasSize(2);
  }
}
