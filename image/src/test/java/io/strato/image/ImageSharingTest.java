package io.strato.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Glance's image members (sharing), deactivate/reactivate, and the list filters and sorting Glance honours. */
@ExtendWith(SharedInfrastructure.class)
class ImageSharingTest {
  private static final Map<String, String> PATCH = Map.of("Content-Type", "application/openstack-images-v2.1-json-patch");
  private static TestIdentity identity;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    identity = TestIdentity.get();
    port = Ports.free();
    TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(identity.settings.with(Map.of(
        "image.port", String.valueOf(port), "image.store.dir",
        Files.createTempDirectory("strato-image-sharing").toString()))))));
    identity.awaitReady(port);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, port, path, token, body, Map.of());
  }

  private static String image(String token, String name, String diskFormat, String containerFormat, int bytes) {
    var created = call(HttpMethod.POST, "/v2/images", token, new JsonObject().put("name", name)
        .put("disk_format", diskFormat).put("container_format", containerFormat));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    if (bytes > 0) {
      var upload = identity.call(HttpMethod.PUT, port, "/v2/images/" + id + "/file", token,
          Buffer.buffer(new byte[bytes]), Map.of("Content-Type", "application/octet-stream"));
      assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(204);
    }
    return id;
  }

  private static List<String> listed(String token, String query) {
    var resp = call(HttpMethod.GET, "/v2/images" + query, token, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonArray("images").stream().map(i -> ((JsonObject) i).getString("id"))
        .toList();
  }

  private static HttpResponse<Buffer> answer(TestIdentity.Member m, String image, String status) {
    return call(HttpMethod.PUT, "/v2/images/" + image + "/members/" + m.projectId(), m.token(),
        new JsonObject().put("status", status));
  }

  /** Glance's fault as this cloud shapes it: {@code {"<kind>": {"code": status, "message": ...}}}. */
  private static JsonObject assertFault(HttpResponse<Buffer> resp, int status) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    JsonObject body = resp.bodyAsJsonObject();
    assertThat(body.size()).as(resp.bodyAsString()).isEqualTo(1);
    JsonObject fault = body.getJsonObject(body.fieldNames().iterator().next());
    assertThat(fault.getInteger("code")).isEqualTo(status);
    assertThat(fault.getString("message")).isNotBlank();
    return fault;
  }

  @Test
  @DisplayName("the owner shares a shared image with a project: pending members can show it, accepted ones list it,"
      + " rejected ones do not; only the member answers, only the owner adds and removes; private hides it again")
  void members() {
    var owner = identity.newProject("share-owner");
    var guest = identity.newProject("share-guest");
    var stranger = identity.newProject("share-stranger");
    String id = image(owner.token(), "shared-img", "raw", "bare", 4096);
    String members = "/v2/images/" + id + "/members";

    var added = call(HttpMethod.POST, members, owner.token(), new JsonObject().put("member", guest.projectId()));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(200);
    JsonObject member = added.bodyAsJsonObject();
    assertThat(member.getString("status")).isEqualTo("pending");
    assertThat(member.getString("member_id")).isEqualTo(guest.projectId());
    assertThat(member.getString("image_id")).isEqualTo(id);
    assertThat(member.getString("schema")).isEqualTo("/v2/schemas/member");
    assertFault(call(HttpMethod.POST, members, owner.token(), new JsonObject().put("member", guest.projectId())), 409);

    assertThat(call(HttpMethod.GET, "/v2/images/" + id, guest.token(), null).statusCode()).as("pending can show")
        .isEqualTo(200);
    assertThat(listed(guest.token(), "")).doesNotContain(id);
    assertThat(listed(guest.token(), "?member_status=pending")).contains(id);
    assertFault(call(HttpMethod.GET, "/v2/images/" + id, stranger.token(), null), 404);
    assertFault(call(HttpMethod.GET, members, stranger.token(), null), 404);

    assertFault(call(HttpMethod.PUT, members + "/" + guest.projectId(), owner.token(),
        new JsonObject().put("status", "accepted")), 403);
    assertFault(answer(guest, id, "maybe"), 400);
    assertFault(call(HttpMethod.PUT, members + "/" + guest.projectId(), identity.reader(guest.projectId()),
        new JsonObject().put("status", "accepted")), 403);
    var accepted = answer(guest, id, "accepted");
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(accepted.bodyAsJsonObject().getString("status")).isEqualTo("accepted");
    assertThat(listed(guest.token(), "")).contains(id);
    assertThat(listed(guest.token(), "?visibility=shared")).contains(id);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", guest.token(), null).statusCode()).isEqualTo(200);
    assertFault(identity.call(HttpMethod.PATCH, port, "/v2/images/" + id, guest.token(), new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/name").put("value", "mine")), PATCH), 403);

    var third = identity.newProject("share-third");
    call(HttpMethod.POST, members, owner.token(), new JsonObject().put("member", third.projectId()));
    JsonArray ownerView = call(HttpMethod.GET, members, owner.token(), null).bodyAsJsonObject()
        .getJsonArray("members");
    assertThat(ownerView).hasSize(2);
    JsonArray guestView = call(HttpMethod.GET, members, guest.token(), null).bodyAsJsonObject()
        .getJsonArray("members");
    assertThat(guestView).hasSize(1);
    assertThat(guestView.getJsonObject(0).getString("member_id")).isEqualTo(guest.projectId());
    assertFault(call(HttpMethod.GET, members + "/" + third.projectId(), guest.token(), null), 404);
    assertFault(call(HttpMethod.POST, members, guest.token(), new JsonObject().put("member", stranger.projectId())),
        403);
    assertFault(call(HttpMethod.POST, members, identity.reader(owner.projectId()),
        new JsonObject().put("member", stranger.projectId())), 403);

    assertThat(answer(guest, id, "rejected").statusCode()).isEqualTo(200);
    assertThat(listed(guest.token(), "")).doesNotContain(id);
    assertThat(listed(guest.token(), "?member_status=all")).contains(id);

    var toPrivate = identity.call(HttpMethod.PATCH, port, "/v2/images/" + id, owner.token(), new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/visibility").put("value", "private")), PATCH);
    assertThat(toPrivate.statusCode()).as(toPrivate.bodyAsString()).isEqualTo(200);
    assertFault(call(HttpMethod.GET, "/v2/images/" + id, guest.token(), null), 404);
    assertFault(call(HttpMethod.POST, members, owner.token(), new JsonObject().put("member", stranger.projectId())),
        403);
    identity.call(HttpMethod.PATCH, port, "/v2/images/" + id, owner.token(), new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/visibility").put("value", "shared")), PATCH);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, guest.token(), null).statusCode())
        .as("the members are kept while private").isEqualTo(200);

    assertThat(call(HttpMethod.DELETE, members + "/" + guest.projectId(), owner.token(), null).statusCode())
        .isEqualTo(204);
    assertFault(call(HttpMethod.GET, "/v2/images/" + id, guest.token(), null), 404);
    assertFault(call(HttpMethod.DELETE, members + "/" + guest.projectId(), owner.token(), null), 404);
    assertFault(call(HttpMethod.POST, members, owner.token(), new JsonObject().put("member", 5)), 400);
    assertFault(call(HttpMethod.POST, members, owner.token(), new JsonObject()), 400);
  }

  @Test
  @DisplayName("an admin deactivates an image: its data is refused (403) to all but admins until it is reactivated;"
      + " members and queued images cannot be deactivated (403)")
  void deactivate() {
    var owner = identity.newProject("deact");
    String id = image(owner.token(), "deact-img", "raw", "bare", 2048);
    String admin = identity.adminToken();
    String actions = "/v2/images/" + id + "/actions/";
    assertFault(call(HttpMethod.POST, actions + "deactivate", owner.token(), null), 403);
    assertThat(call(HttpMethod.POST, actions + "deactivate", admin, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.POST, actions + "deactivate", admin, null).statusCode()).as("again: no-op")
        .isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, owner.token(), null).bodyAsJsonObject().getString("status"))
        .isEqualTo("deactivated");
    assertThat(assertFault(call(HttpMethod.GET, "/v2/images/" + id + "/file", owner.token(), null), 403)
        .getString("message")).contains("deactivated");
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", admin, null).statusCode()).isEqualTo(200);
    assertFault(call(HttpMethod.POST, actions + "reactivate", owner.token(), null), 403);
    assertThat(call(HttpMethod.POST, actions + "reactivate", admin, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", owner.token(), null).statusCode()).isEqualTo(200);

    String queued = image(owner.token(), "queued", "raw", "bare", 0);
    assertFault(call(HttpMethod.POST, "/v2/images/" + queued + "/actions/deactivate", admin, null), 403);
    assertFault(call(HttpMethod.POST, "/v2/images/" + queued + "/actions/reactivate", admin, null), 403);
    var stranger = identity.newProject("deact-other");
    assertFault(call(HttpMethod.POST, actions + "deactivate", stranger.token(), null), 404);
  }

  @Test
  @DisplayName("list filters size_min, size_max, disk_format, container_format and sort (sort=key:dir, sort_key and"
      + " sort_dir) are honoured as Glance honours them; paging follows the sort; bad values 400")
  void listFiltersAndSort() {
    var m = identity.newProject("filters");
    String small = image(m.token(), "b-small", "raw", "bare", 1000);
    String big = image(m.token(), "a-big", "raw", "ovf", 5000);
    String iso = image(m.token(), "c-ami", "ami", "ami", 3000);
    String empty = image(m.token(), "d-empty", "qcow2", "bare", 0);
    String mine = "?owner=" + m.projectId();
    assertThat(listed(m.token(), mine + "&size_min=2000")).containsExactlyInAnyOrder(big, iso);
    assertThat(listed(m.token(), mine + "&size_max=3000")).containsExactlyInAnyOrder(small, iso);
    assertThat(listed(m.token(), mine + "&size_min=1000&size_max=1000")).containsExactly(small);
    assertThat(listed(m.token(), mine + "&disk_format=ami")).containsExactly(iso);
    assertThat(listed(m.token(), mine + "&container_format=ovf")).containsExactly(big);
    assertThat(listed(m.token(), mine + "&sort=name:asc")).containsExactly(big, small, iso, empty);
    assertThat(listed(m.token(), mine + "&sort_key=name&sort_dir=desc")).containsExactly(empty, iso, small, big);
    assertThat(listed(m.token(), mine + "&sort=size:desc&size_min=1")).containsExactly(big, iso, small);
    assertThat(listed(m.token(), mine + "&sort=disk_format:asc,name:desc")).containsExactly(iso, empty, small, big);

    var page = call(HttpMethod.GET, "/v2/images" + mine + "&sort=name:asc&limit=2", m.token(), null)
        .bodyAsJsonObject();
    assertThat(page.getJsonArray("images").stream().map(i -> ((JsonObject) i).getString("id")))
        .containsExactly(big, small);
    String next = page.getString("next");
    assertThat(next).contains("sort=name").contains("marker=" + small);
    assertThat(listed(m.token(), next.substring("/v2/images".length()))).containsExactly(iso, empty);

    for (String bad : List.of("?size_min=big", "?size_max=1.5", "?sort=owner:asc", "?sort=name:up",
        "?sort_key=bogus", "?sort=name&sort_key=size", "?member_status=maybe")) {
      assertFault(call(HttpMethod.GET, "/v2/images" + bad, m.token(), null), 400);
    }
  }
}
