package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.WriteWalk;
import io.strato.testkit.WriteWalk.Write;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every write of the Cinder API refuses a reader of the owning project (403 "Policy doesn't allow ... to be
 * performed."), a member of another project (404 for the owner's volumes and attachments; 400 Malformed request url
 * for the owner's project in the URL; 403 for admin-only APIs), and callers without a valid token (401), and leaves
 * the owner's volumes, attachments and quotas exactly as they were.
 */
@ExtendWith(SharedInfrastructure.class)
class VolumeWritePolicyTest {
  /** Project-less URLs (3.67) with the attachment API (3.27+, complete 3.44+). */
  private static final Map<String, String> VERSION = Map.of("OpenStack-API-Version", "volume 3.67");

  @TestFactory
  Stream<DynamicContainer> writesRefuseReadersOtherProjectsAndBadTokens() {
    VolumeCloud cloud = VolumeCloud.get();
    TestIdentity identity = cloud.identity;
    TestIdentity.Member owner = identity.newProject("owner");
    String p = owner.projectId();
    String volume = cloud.create(owner, new JsonObject().put("size", 1).put("metadata", new JsonObject()
        .put("keep", "1")));
    String attached = cloud.create(owner, new JsonObject().put("size", 1));
    cloud.awaitStatus(owner, volume, "available");
    cloud.awaitStatus(owner, attached, "available");
    var reserved = identity.call(HttpMethod.POST, cloud.volumePort, "/v3/attachments", owner.token(),
        new JsonObject().put("attachment", new JsonObject().put("volume_uuid", attached)
            .put("instance_uuid", UUID.randomUUID().toString())), VERSION);
    assertThat(reserved.statusCode()).as(reserved.bodyAsString()).isEqualTo(200);
    String attachment = "/v3/attachments/" + reserved.bodyAsJsonObject().getJsonObject("attachment").getString("id");
    String v = "/v3/volumes/" + volume;
    var snapped = identity.call(HttpMethod.POST, cloud.volumePort, "/v3/snapshots", owner.token(), new JsonObject()
        .put("snapshot", new JsonObject().put("volume_id", volume).put("metadata", new JsonObject().put("keep", "1"))),
        VERSION);
    assertThat(snapped.statusCode()).as(snapped.bodyAsString()).isEqualTo(202);
    String snap = "/v3/snapshots/" + snapped.bodyAsJsonObject().getJsonObject("snapshot").getString("id");
    long deadline = System.currentTimeMillis() + 30_000;
    while (!identity.call(HttpMethod.GET, cloud.volumePort, snap, owner.token(), null, VERSION).bodyAsJsonObject()
        .getJsonObject("snapshot").getString("status").equals("available")) {
      assertThat(System.currentTimeMillis()).as("the snapshot never became available").isLessThan(deadline);
      Thread.onSpinWait();
    }

    List<Write> writes = List.of(
        write("create volume", HttpMethod.POST, "/v3/" + p + "/volumes", wrap("volume", new JsonObject()
            .put("size", 1)), 400),
        write("update volume", HttpMethod.PUT, v, wrap("volume", new JsonObject().put("name", "intruder")), 404),
        write("delete volume", HttpMethod.DELETE, v, null, 404),
        write("add metadata", HttpMethod.POST, v + "/metadata", wrap("metadata", new JsonObject().put("k", "v")), 404),
        write("replace metadata", HttpMethod.PUT, v + "/metadata", wrap("metadata", new JsonObject()), 404),
        write("delete metadata key", HttpMethod.DELETE, v + "/metadata/keep", null, 404),
        write("extend", HttpMethod.POST, v + "/action", wrap("os-extend", new JsonObject().put("new_size", 2)), 404),
        write("set bootable", HttpMethod.POST, v + "/action", wrap("os-set_bootable", new JsonObject()
            .put("bootable", true)), 404),
        write("reset status", HttpMethod.POST, v + "/action", wrap("os-reset_status", new JsonObject()
            .put("status", "error")), 403),
        write("create attachment", HttpMethod.POST, "/v3/attachments", wrap("attachment", new JsonObject()
            .put("volume_uuid", volume)), 404),
        write("update attachment", HttpMethod.PUT, attachment, wrap("attachment", new JsonObject()
            .put("connector", new JsonObject().put("host", "intruder"))), 404),
        write("complete attachment", HttpMethod.POST, attachment + "/action", new JsonObject()
            .putNull("os-complete"), 404),
        write("delete attachment", HttpMethod.DELETE, attachment, null, 404),
        write("create snapshot", HttpMethod.POST, "/v3/snapshots", wrap("snapshot", new JsonObject()
            .put("volume_id", volume)), 404),
        write("update snapshot", HttpMethod.PUT, snap, wrap("snapshot", new JsonObject().put("name", "x")), 404),
        write("delete snapshot", HttpMethod.DELETE, snap, null, 404),
        write("add snapshot metadata", HttpMethod.POST, snap + "/metadata", wrap("metadata", new JsonObject()
            .put("k", "v")), 404),
        write("delete snapshot metadata key", HttpMethod.DELETE, snap + "/metadata/keep", null, 404),
        write("update quotas", HttpMethod.PUT, "/v3/os-quota-sets/" + p, wrap("quota_set", new JsonObject()
            .put("volumes", 1)), 403),
        write("revert quotas", HttpMethod.DELETE, "/v3/os-quota-sets/" + p, null, 403));

    String admin = identity.adminToken();
    return new WriteWalk(identity, cloud.volumePort, owner, WriteWalk.compute(),
        "Policy doesn't allow [a-z_:]+ to be performed")
        .walk(writes, () -> Stream.of("/volumes/detail", "/attachments/detail", "/snapshots/detail",
            "/os-quota-sets/" + p)
            .map(path -> identity.call(HttpMethod.GET, cloud.volumePort, "/v3/" + p + path, admin, null, VERSION)
                .bodyAsJsonObject())
            .toList());
  }

  private static Write write(String name, HttpMethod method, String path, Object body, int otherProject) {
    return new Write(name, method, path, body, VERSION, otherProject);
  }

  private static JsonObject wrap(String member, JsonObject fields) {
    return new JsonObject().put(member, fields);
  }
}
