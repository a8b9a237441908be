package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class AttachmentApiTest {
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  private static JsonObject attachment(TestIdentity.Member m, HttpMethod method, String path, Object body,
      int expected) {
    var resp = cloud.call(method, "/v3/" + m.projectId() + "/attachments" + path, m.token(), body,
        VolumeCloud.ATTACH_VERSION);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(expected);
    return expected == 204 ? null : resp.bodyAsJsonObject();
  }

  @Test
  @DisplayName("attach walks available -> reserved -> attaching -> in-use -> available, with the file as connection info")
  void attachmentLifecycle() {
    var m = cloud.identity.newProject("attach");
    String volumeId = cloud.create(m, new JsonObject().put("size", 1));
    cloud.awaitStatus(m, volumeId, "available");
    String instance = UUID.randomUUID().toString();

    JsonObject reserved = attachment(m, HttpMethod.POST, "", new JsonObject().put("attachment", new JsonObject()
        .put("instance_uuid", instance).put("volume_uuid", volumeId)), 200).getJsonObject("attachment");
    assertThat(reserved.getString("status")).isEqualTo("reserved");
    assertThat(reserved.getValue("connection_info")).isNull();
    assertThat(cloud.show(m, volumeId).getString("status")).isEqualTo("reserved");
    String id = reserved.getString("id");

    var second = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/attachments", m.token(), new JsonObject()
        .put("attachment", new JsonObject().put("volume_uuid", volumeId)), VolumeCloud.ATTACH_VERSION);
    assertThat(second.statusCode()).as("a reserved volume cannot be reserved again").isEqualTo(400);
    assertThat(second.bodyAsString()).contains("Invalid volume");

    JsonObject connector = new JsonObject().put("host", "compute-1").put("mountpoint", "/dev/vdb")
        .put("platform", "x86_64");
    JsonObject attaching = attachment(m, HttpMethod.PUT, "/" + id, new JsonObject().put("attachment",
        new JsonObject().put("connector", connector)), 200).getJsonObject("attachment");
    assertThat(attaching.getString("status")).isEqualTo("attaching");
    JsonObject info = attaching.getJsonObject("connection_info");
    assertThat(info.getString("driver_volume_type")).isEqualTo("file");
    assertThat(info.getJsonObject("data").getString("device_path")).isEqualTo(cloud.fileOf(volumeId).toString());
    assertThat(info.getJsonObject("data").getString("format")).isEqualTo("raw");
    assertThat(cloud.show(m, volumeId).getString("status")).isEqualTo("attaching");

    attachment(m, HttpMethod.POST, "/" + id + "/action", new JsonObject().putNull("os-complete"), 204);
    JsonObject inUse = cloud.show(m, volumeId);
    assertThat(inUse.getString("status")).isEqualTo("in-use");
    JsonObject shown = inUse.getJsonArray("attachments").getJsonObject(0);
    assertThat(shown.getString("server_id")).isEqualTo(instance);
    assertThat(shown.getString("attachment_id")).isEqualTo(id);
    assertThat(shown.getString("host_name")).isEqualTo("compute-1");
    assertThat(shown.getString("device")).isEqualTo("/dev/vdb");
    assertThat(attachment(m, HttpMethod.GET, "/" + id, null, 200).getJsonObject("attachment").getString("status"))
        .isEqualTo("attached");
    assertThat(attachment(m, HttpMethod.GET, "?volume_id=" + volumeId, null, 200).getJsonArray("attachments"))
        .hasSize(1);

    var deleteInUse = cloud.call(HttpMethod.DELETE, "/v3/" + m.projectId() + "/volumes/" + volumeId, m.token(), null);
    assertThat(deleteInUse.statusCode()).isEqualTo(400);
    assertThat(deleteInUse.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .startsWith("Invalid volume: Volume status must be available or error");
    var extendInUse = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes/" + volumeId + "/action",
        m.token(), new JsonObject().put("os-extend", new JsonObject().put("new_size", 2)));
    assertThat(extendInUse.statusCode()).isEqualTo(400);

    assertThat(attachment(m, HttpMethod.DELETE, "/" + id, null, 200).getJsonArray("attachments")).isEmpty();
    JsonObject detached = cloud.show(m, volumeId);
    assertThat(detached.getString("status")).isEqualTo("available");
    assertThat(detached.getJsonArray("attachments")).isEmpty();
    attachment(m, HttpMethod.GET, "/" + id, null, 404);
    assertThat(cloud.call(HttpMethod.DELETE, "/v3/" + m.projectId() + "/volumes/" + volumeId, m.token(), null)
        .statusCode()).isEqualTo(202);
  }

  @Test
  @DisplayName("an attachment created with a connector is attaching at once and hands out connection info")
  void attachWithConnector() {
    var m = cloud.identity.newProject("attach2");
    String volumeId = cloud.create(m, new JsonObject().put("size", 1));
    cloud.awaitStatus(m, volumeId, "available");
    JsonObject a = attachment(m, HttpMethod.POST, "", new JsonObject().put("attachment", new JsonObject()
        .put("instance_uuid", UUID.randomUUID().toString()).put("volume_uuid", volumeId)
        .put("connector", new JsonObject().put("host", "h"))), 200).getJsonObject("attachment");
    assertThat(a.getString("status")).isEqualTo("attaching");
    assertThat(a.getJsonObject("connection_info").getJsonObject("data").getString("device_path"))
        .isEqualTo(cloud.fileOf(volumeId).toString());
    assertThat(cloud.show(m, volumeId).getString("status")).isEqualTo("attaching");
    attachment(m, HttpMethod.DELETE, "/" + a.getString("id"), null, 200);
    assertThat(cloud.show(m, volumeId).getString("status")).isEqualTo("available");
  }

  @Test
  @DisplayName("attachments need microversion 3.27 and os-complete 3.44; bad attachment input answers 400")
  void attachmentVersionsAndInput() {
    var m = cloud.identity.newProject("attach3");
    String volumeId = cloud.create(m, new JsonObject().put("size", 1));
    cloud.awaitStatus(m, volumeId, "available");
    String path = "/v3/" + m.projectId() + "/attachments";
    JsonObject body = new JsonObject().put("attachment", new JsonObject().put("volume_uuid", volumeId));
    assertThat(cloud.call(HttpMethod.POST, path, m.token(), body).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.POST, path, m.token(), new JsonObject().put("attachment",
        new JsonObject().put("volume_uuid", "nope")), VolumeCloud.ATTACH_VERSION).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, path, m.token(), new JsonObject().put("attachment",
        new JsonObject().put("volume_uuid", volumeId).put("connector", "x")), VolumeCloud.ATTACH_VERSION)
        .statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, path, m.token(), new JsonObject().put("attachment",
        new JsonObject().put("volume_uuid", UUID.randomUUID().toString())), VolumeCloud.ATTACH_VERSION)
        .statusCode()).isEqualTo(404);
    JsonObject a = attachment(m, HttpMethod.POST, "", body, 200).getJsonObject("attachment");
    var early = cloud.call(HttpMethod.POST, path + "/" + a.getString("id") + "/action", m.token(),
        new JsonObject().putNull("os-complete"), "volume 3.27");
    assertThat(early.statusCode()).as("os-complete needs 3.44").isEqualTo(404);
    var unconnected = cloud.call(HttpMethod.POST, path + "/" + a.getString("id") + "/action", m.token(),
        new JsonObject().putNull("os-complete"), VolumeCloud.ATTACH_VERSION);
    assertThat(unconnected.statusCode()).as("completing needs a connector first").isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, path + "/not-a-uuid", m.token(), null, VolumeCloud.ATTACH_VERSION)
        .statusCode()).isEqualTo(404);
    attachment(m, HttpMethod.DELETE, "/" + a.getString("id"), null, 200);
  }
}
