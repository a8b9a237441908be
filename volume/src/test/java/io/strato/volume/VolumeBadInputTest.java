package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SharedInfrastructure.class)
class VolumeBadInputTest {
  private static VolumeCloud cloud;
  private static TestIdentity.Member member;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
    member = cloud.identity.newProject("bad");
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        Arguments.of("size 0", "{\"volume\":{\"size\":0}}"),
        Arguments.of("negative size", "{\"volume\":{\"size\":-1}}"),
        Arguments.of("size not a number", "{\"volume\":{\"size\":\"big\"}}"),
        Arguments.of("size a fraction", "{\"volume\":{\"size\":1.5}}"),
        Arguments.of("no size", "{\"volume\":{\"name\":\"x\"}}"),
        Arguments.of("no volume member", "{\"size\":1}"),
        Arguments.of("volume not an object", "{\"volume\":[1]}"),
        Arguments.of("not JSON", "{oops"),
        Arguments.of("a JSON list", "[]"),
        Arguments.of("name not a string", "{\"volume\":{\"size\":1,\"name\":5}}"),
        Arguments.of("name too long", "{\"volume\":{\"size\":1,\"name\":\"" + "n".repeat(256) + "\"}}"),
        Arguments.of("imageRef not a uuid", "{\"volume\":{\"size\":1,\"imageRef\":\"cirros\"}}"),
        Arguments.of("unknown availability zone", "{\"volume\":{\"size\":1,\"availability_zone\":\"mars\"}}"),
        Arguments.of("metadata not an object", "{\"volume\":{\"size\":1,\"metadata\":\"x\"}}"),
        Arguments.of("metadata value not a string", "{\"volume\":{\"size\":1,\"metadata\":{\"a\":1}}}"),
        Arguments.of("from a source volume", "{\"volume\":{\"size\":1,\"source_volid\":\"" + UUID.randomUUID()
            + "\"}}"),
        Arguments.of("from a snapshot and an image", "{\"volume\":{\"size\":1,\"snapshot_id\":\"" + UUID.randomUUID()
            + "\",\"imageRef\":\"" + UUID.randomUUID() + "\"}}"),
        Arguments.of("multiattach", "{\"volume\":{\"size\":1,\"multiattach\":true}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreates")
  @DisplayName("a bad create body answers 400 badRequest and creates nothing")
  void badCreate(String what, String body) {
    var resp = cloud.call(HttpMethod.POST, "/v3/" + member.projectId() + "/volumes", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getInteger("code")).isEqualTo(400);
  }

  @Test
  @DisplayName("the nulls cinderclient sends are accepted, and an unknown volume type answers 404")
  void clientShapedCreate() {
    JsonObject body = new JsonObject().put("size", "1").putNull("consistencygroup_id").putNull("snapshot_id")
        .put("name", "cli").putNull("description").putNull("volume_type").putNull("availability_zone")
        .put("metadata", new JsonObject()).putNull("imageRef").putNull("source_volid").putNull("backup_id");
    cloud.create(member, body);
    var type = cloud.call(HttpMethod.POST, "/v3/" + member.projectId() + "/volumes", member.token(),
        new JsonObject().put("volume", new JsonObject().put("size", 1).put("volume_type", "gold")));
    assertThat(type.statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("unknown ids answer 404 itemNotFound; bad actions, filters and versions answer 400/406; no token 401")
  void badRequests() {
    String p = "/v3/" + member.projectId();
    var notUuid = cloud.call(HttpMethod.GET, p + "/volumes/not-a-uuid", member.token(), null);
    assertThat(notUuid.statusCode()).isEqualTo(404);
    assertThat(notUuid.bodyAsJsonObject().getJsonObject("itemNotFound").getString("message"))
        .contains("could not be found");
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes/" + UUID.randomUUID(), member.token(), null).statusCode())
        .isEqualTo(404);
    assertThat(cloud.call(HttpMethod.DELETE, p + "/volumes/" + UUID.randomUUID(), member.token(), null).statusCode())
        .isEqualTo(404);
    String id = cloud.create(member, new JsonObject().put("size", 1));
    cloud.awaitStatus(member, id, "available");
    String action = p + "/volumes/" + id + "/action";
    assertThat(cloud.call(HttpMethod.POST, action, member.token(), new JsonObject().put("os-fly", new JsonObject()))
        .statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, action, member.token(), new JsonObject().put("os-extend",
        new JsonObject().put("new_size", "huge"))).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, action, member.token(), new JsonObject().put("os-extend", 5))
        .statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, action, member.token(), new JsonObject().put("os-reset_status",
        new JsonObject().put("status", "available"))).statusCode()).as("admin only").isEqualTo(403);
    assertThat(cloud.call(HttpMethod.PUT, p + "/volumes/" + id, member.token(), new JsonObject().put("volume",
        new JsonObject().put("size", 5))).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes?limit=abc", member.token(), null).statusCode())
        .isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes?marker=zzz", member.token(), null).statusCode())
        .isEqualTo(400);
    var tooNew = cloud.call(HttpMethod.GET, p + "/volumes", member.token(), null, "volume 3.72");
    assertThat(tooNew.statusCode()).isEqualTo(406);
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes", member.token(), null, "volume 2.0").statusCode())
        .isEqualTo(406);
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes", member.token(), null, "volume three").statusCode())
        .isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes", member.token(), null, "volume latest")
        .getHeader("OpenStack-API-Version")).isEqualTo("volume 3.71");
    assertThat(cloud.call(HttpMethod.GET, p + "/volumes", null, null).statusCode()).isEqualTo(401);
    assertThat(cloud.call(HttpMethod.GET, p + "/nothing-here", member.token(), null).statusCode()).isEqualTo(404);
  }
}
