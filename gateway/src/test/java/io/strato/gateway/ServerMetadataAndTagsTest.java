package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /servers/{id}/metadata} and {@code /servers/{id}/tags} (2.26), as Nova answers them. */
@ExtendWith(SharedInfrastructure.class)
class ServerMetadataAndTagsTest {
  private static final Map<String, String> V226 = Map.of("OpenStack-API-Version", "compute 2.26");
  private static TestCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
  }

  /** A server of the member's, made ACTIVE on a host as the conductor would after its build. */
  private static String activeServer(TestIdentity.Member member, JsonObject metadata) {
    JsonObject body = cloud.server("tagged");
    if (metadata != null) body.getJsonObject("server").put("metadata", metadata);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    cloud.settle(id, "active", "h-meta");
    return id;
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return cloud.call(method, cloud.computePort, path, token, body, V226);
  }

  private static JsonObject meta(String key, Object value) {
    return new JsonObject().put("meta", new JsonObject().put(key, value));
  }

  @Test
  @DisplayName("metadata: POST merges, PUT replaces, one key is read, set and deleted; server show and list detail"
      + " show it; a reader reads it; another project gets 404")
  void metadataLifecycle() {
    var member = cloud.newProject("meta");
    String id = activeServer(member, new JsonObject().put("k", "v"));
    String path = "/v2.1/servers/" + id + "/metadata";

    var merged = cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().put("metadata",
        new JsonObject().put("a", "1").put("k", "w")));
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    assertThat(merged.bodyAsJsonObject().getJsonObject("metadata"))
        .isEqualTo(new JsonObject().put("k", "w").put("a", "1"));

    var replaced = cloud.call(HttpMethod.PUT, path, member.token(), new JsonObject().put("metadata",
        new JsonObject().put("b", "2")));
    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(replaced.bodyAsJsonObject().getJsonObject("metadata")).isEqualTo(new JsonObject().put("b", "2"));

    var set = cloud.call(HttpMethod.PUT, path + "/c", member.token(), meta("c", "3"));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject()).isEqualTo(meta("c", "3"));
    assertThat(cloud.call(HttpMethod.GET, path + "/c", member.token(), null).bodyAsJsonObject())
        .isEqualTo(meta("c", "3"));
    String reader = cloud.identity.reader(member.projectId());
    assertThat(cloud.call(HttpMethod.GET, path, reader, null).bodyAsJsonObject().getJsonObject("metadata"))
        .isEqualTo(new JsonObject().put("b", "2").put("c", "3"));

    assertThat(cloud.call(HttpMethod.DELETE, path + "/c", member.token(), null).statusCode()).isEqualTo(204);
    assertFault(cloud.call(HttpMethod.DELETE, path + "/c", member.token(), null), 404, "itemNotFound",
        "Metadata item was not found");
    assertFault(cloud.call(HttpMethod.GET, path + "/c", member.token(), null), 404, "itemNotFound",
        "Metadata item was not found");

    JsonObject shown = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, member.token(), null).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(shown.getJsonObject("metadata")).isEqualTo(new JsonObject().put("b", "2"));
    JsonObject listed = cloud.call(HttpMethod.GET, "/v2.1/servers/detail", member.token(), null).bodyAsJsonObject()
        .getJsonArray("servers").getJsonObject(0);
    assertThat(listed.getJsonObject("metadata")).isEqualTo(new JsonObject().put("b", "2"));

    String intruder = cloud.newProject("meta-intruder").token();
    assertFault(cloud.call(HttpMethod.GET, path, intruder, null), 404, "itemNotFound", "could not be found");
    assertFault(cloud.call(HttpMethod.GET, path + "/b", intruder, null), 404, "itemNotFound", "could not be found");
  }

  @Test
  @DisplayName("metadata: bad keys, values and bodies answer 400, more than 128 items 403, a building server 409, a"
      + " locked one 409 for its member but not for an admin; nothing changes on a refusal")
  void metadataRefusals() {
    var member = cloud.newProject("meta-bad");
    String id = activeServer(member, new JsonObject().put("keep", "me"));
    String path = "/v2.1/servers/" + id + "/metadata";
    String t = member.token();
    assertFault(cloud.call(HttpMethod.POST, path, t, new JsonObject().put("metadata", new JsonObject()
        .put("k".repeat(256), "v"))), 400, "badRequest", "metadata");
    assertFault(cloud.call(HttpMethod.POST, path, t, new JsonObject().put("metadata", new JsonObject().put("", "v"))),
        400, "badRequest", "metadata");
    assertFault(cloud.call(HttpMethod.PUT, path, t, new JsonObject().put("metadata", new JsonObject().put("k", 1))),
        400, "badRequest", "metadata");
    assertFault(cloud.call(HttpMethod.PUT, path, t, new JsonObject().put("metadata", new JsonObject()
        .put("k", "v".repeat(256)))), 400, "badRequest", "metadata");
    assertFault(cloud.call(HttpMethod.POST, path, t, new JsonObject().put("meta", new JsonObject())), 400, "badRequest",
        "meta");
    assertFault(cloud.call(HttpMethod.PUT, path, t, new JsonObject().put("metadata", "x")), 400, "badRequest",
        "metadata");
    assertFault(cloud.call(HttpMethod.PUT, path + "/a", t, meta("b", "1")), 400, "badRequest",
        "Request body and URI mismatch");
    assertFault(cloud.call(HttpMethod.PUT, path + "/a", t, new JsonObject().put("meta", new JsonObject().put("a", "1")
        .put("b", "2"))), 400, "badRequest", "Request body contains too many items");
    assertFault(cloud.call(HttpMethod.PUT, path + "/a", t, new JsonObject().put("meta", new JsonObject())), 400,
        "badRequest", "meta");
    JsonObject many = new JsonObject();
    IntStream.range(0, 128).forEach(i -> many.put("m" + i, "v"));
    assertFault(cloud.call(HttpMethod.POST, path, t, new JsonObject().put("metadata", many)), 403, "forbidden",
        "Maximum number of metadata items exceeds 128");
    assertThat(cloud.call(HttpMethod.PUT, path, t, new JsonObject().put("metadata", many)).statusCode())
        .as("128 items replace the set").isEqualTo(200);
    assertFault(cloud.call(HttpMethod.PUT, path + "/one-more", t, meta("one-more", "v")), 403, "forbidden",
        "Maximum number of metadata items exceeds 128");
    assertThat(cloud.call(HttpMethod.PUT, path, t, new JsonObject().put("metadata", new JsonObject()
        .put("keep", "me"))).statusCode()).isEqualTo(200);

    TestCloud.await(cloud.nova().preparedQuery("UPDATE instances SET locked = true WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id))));
    assertFault(cloud.call(HttpMethod.PUT, path + "/x", t, meta("x", "1")), 409, "conflictingRequest", "is locked");
    assertThat(cloud.call(HttpMethod.PUT, path + "/x", cloud.adminToken(), meta("x", "1")).statusCode())
        .as("an admin changes a locked server").isEqualTo(200);

    var building = cloud.call(HttpMethod.POST, "/v2.1/servers", t, cloud.server("building")).bodyAsJsonObject()
        .getJsonObject("server").getString("id");
    assertFault(cloud.call(HttpMethod.PUT, "/v2.1/servers/" + building + "/metadata/x", t, meta("x", "1")), 409,
        "conflictingRequest", "vm_state building");
    assertThat(cloud.call(HttpMethod.GET, path, t, null).bodyAsJsonObject().getJsonObject("metadata"))
        .isEqualTo(new JsonObject().put("keep", "me").put("x", "1"));
    assertFault(cloud.call(HttpMethod.GET, "/v2.1/servers/" + UUID.randomUUID() + "/metadata", t, null), 404,
        "itemNotFound", "could not be found");
  }

  @Test
  @DisplayName("tags (2.26): replace all, add one (201, then 204), check, remove one, remove all; shown in server"
      + " show from 2.26 only; 404 before 2.26")
  void tagsLifecycle() {
    var member = cloud.newProject("tags");
    String id = activeServer(member, null);
    String path = "/v2.1/servers/" + id + "/tags";
    String t = member.token();
    var before = cloud.call(HttpMethod.GET, cloud.computePort, path, t, null,
        Map.of("OpenStack-API-Version", "compute 2.25"));
    assertFault(before, 404, "itemNotFound", "could not be found");

    var replaced = call(HttpMethod.PUT, path, t, new JsonObject().put("tags", new JsonArray().add("a").add("b")));
    assertThat(replaced.statusCode()).as(replaced.bodyAsString()).isEqualTo(200);
    assertThat(replaced.bodyAsJsonObject().getJsonArray("tags")).containsExactly("a", "b");
    var added = call(HttpMethod.PUT, path + "/c", t, null);
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    assertThat(added.getHeader("Location")).endsWith(path + "/c");
    assertThat(call(HttpMethod.PUT, path + "/c", t, null).statusCode()).as("already there").isEqualTo(204);
    assertThat(call(HttpMethod.GET, path + "/c", t, null).statusCode()).isEqualTo(204);
    assertFault(call(HttpMethod.GET, path + "/zz", t, null), 404, "itemNotFound", "has no tag 'zz'");
    assertThat(call(HttpMethod.GET, path, t, null).bodyAsJsonObject().getJsonArray("tags"))
        .containsExactly("a", "b", "c");

    JsonObject shown = call(HttpMethod.GET, "/v2.1/servers/" + id, t, null).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(shown.getJsonArray("tags")).containsExactly("a", "b", "c");
    JsonObject old = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, t, null).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(old.containsKey("tags")).as("no tags before 2.26").isFalse();

    assertThat(call(HttpMethod.DELETE, path + "/c", t, null).statusCode()).isEqualTo(204);
    assertFault(call(HttpMethod.DELETE, path + "/c", t, null), 404, "itemNotFound", "has no tag 'c'");
    assertThat(call(HttpMethod.DELETE, path, t, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, path, t, null).bodyAsJsonObject().getJsonArray("tags")).isEmpty();
    assertFault(call(HttpMethod.GET, path, cloud.newProject("tags-intruder").token(), null), 404, "itemNotFound",
        "could not be found");
  }

  @Test
  @DisplayName("tags: a tag with ',' or '/', empty or over 60 characters, more than 50, or a body that is not a list"
      + " answers 400; a building server 409; nothing changes on a refusal")
  void tagRefusals() {
    var member = cloud.newProject("tags-bad");
    String id = activeServer(member, null);
    String path = "/v2.1/servers/" + id + "/tags";
    String t = member.token();
    assertThat(call(HttpMethod.PUT, path, t, new JsonObject().put("tags", new JsonArray().add("keep"))).statusCode())
        .isEqualTo(200);
    assertFault(call(HttpMethod.PUT, path + "/a%2Cb", t, null), 400, "badRequest", "is invalid");
    assertFault(call(HttpMethod.PUT, path + "/" + "x".repeat(61), t, null), 400, "badRequest", "is invalid");
    for (Object bad : List.of(new JsonArray().add("a/b"), new JsonArray().add(""), new JsonArray().add("x".repeat(61)),
        new JsonArray().add(1), "a", new JsonArray(IntStream.range(0, 51).mapToObj(i -> "t" + i)
            .collect(Collectors.toList())))) {
      assertFault(call(HttpMethod.PUT, path, t, new JsonObject().put("tags", bad)), 400, "badRequest", "tags");
    }
    assertFault(call(HttpMethod.PUT, path, t, new JsonObject().put("tags", new JsonArray()).put("x", 1)), 400,
        "badRequest", "x");
    assertFault(call(HttpMethod.PUT, path, t, new JsonObject()), 400, "badRequest", "tags");
    assertThat(call(HttpMethod.GET, path, t, null).bodyAsJsonObject().getJsonArray("tags")).containsExactly("keep");

    JsonArray fifty = new JsonArray(IntStream.range(0, 50).mapToObj(i -> "t" + i).collect(Collectors.toList()));
    assertThat(call(HttpMethod.PUT, path, t, new JsonObject().put("tags", fifty)).statusCode()).isEqualTo(200);
    assertFault(call(HttpMethod.PUT, path + "/one-more", t, null), 400, "badRequest",
        "The number of tags exceeded the per-server limit 50");

    var building = cloud.call(HttpMethod.POST, "/v2.1/servers", t, cloud.server("building")).bodyAsJsonObject()
        .getJsonObject("server").getString("id");
    assertFault(call(HttpMethod.PUT, "/v2.1/servers/" + building + "/tags/x", t, null), 409, "conflictingRequest",
        "vm_state building");
    assertFault(call(HttpMethod.GET, "/v2.1/servers/detail?tags=a,b/c", t, null), 400, "badRequest", "tags");
  }

  @Test
  @DisplayName("server list filters tags (all), tags-any, not-tags (not all) and not-tags-any (none) from 2.26")
  void tagFilters() {
    var member = cloud.newProject("tags-filter");
    String t = member.token();
    String ab = activeServer(member, null);
    String bc = activeServer(member, null);
    String none = activeServer(member, null);
    call(HttpMethod.PUT, "/v2.1/servers/" + ab + "/tags", t, new JsonObject().put("tags", List.of("a", "b")));
    call(HttpMethod.PUT, "/v2.1/servers/" + bc + "/tags", t, new JsonObject().put("tags", List.of("b", "c")));
    assertThat(ids("tags=a,b", t)).containsExactlyInAnyOrder(ab);
    assertThat(ids("tags=b", t)).containsExactlyInAnyOrder(ab, bc);
    assertThat(ids("tags-any=a,c", t)).containsExactlyInAnyOrder(ab, bc);
    assertThat(ids("not-tags=b,c", t)).containsExactlyInAnyOrder(ab, none);
    assertThat(ids("not-tags-any=a", t)).containsExactlyInAnyOrder(bc, none);
    assertThat(ids("tags=b&not-tags-any=c", t)).containsExactlyInAnyOrder(ab);
  }

  private static List<String> ids(String query, String token) {
    var resp = call(HttpMethod.GET, "/v2.1/servers?" + query, token, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonArray("servers").stream().map(s -> ((JsonObject) s).getString("id"))
        .toList();
  }
}
