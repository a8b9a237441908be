package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class VolumeQuotaTest {
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  private static void setQuota(TestIdentity.Member m, JsonObject quotaSet) {
    var resp = cloud.call(HttpMethod.PUT, "/v3/" + m.projectId() + "/os-quota-sets/" + m.projectId(),
        cloud.identity.adminToken(), new JsonObject().put("quota_set", quotaSet));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
  }

  @Test
  @DisplayName("20 parallel creates against a quota of 5 volumes: exactly 5 are accepted, 15 answer 413 overLimit")
  void parallelCreatesNeverOvershoot() {
    var m = cloud.identity.newProject("quota");
    setQuota(m, new JsonObject().put("volumes", 5));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(cloud.identity.http.post(cloud.volumePort, "127.0.0.1", "/v3/" + m.projectId() + "/volumes")
          .putHeader("X-Auth-Token", m.token())
          .sendJsonObject(new JsonObject().put("volume", new JsonObject().put("size", 1).put("name", "q" + i))));
    }
    TestIdentity.await(Future.join(calls));
    long accepted = calls.stream().filter(f -> f.result().statusCode() == 202).count();
    List<HttpResponse<Buffer>> refused = calls.stream().map(Future::result).filter(r -> r.statusCode() == 413).toList();
    assertThat(accepted).isEqualTo(5);
    assertThat(refused).hasSize(15);
    assertThat(refused.get(0).bodyAsJsonObject().getJsonObject("overLimit").getString("message")).isEqualTo(
        "VolumeLimitExceeded: Maximum number of volumes allowed (5) exceeded for quota 'volumes'.");
    assertThat(refused.get(0).bodyAsJsonObject().getJsonObject("overLimit").getInteger("code")).isEqualTo(413);
    assertThat(cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/volumes", m.token(), null).bodyAsJsonObject()
        .getJsonArray("volumes")).hasSize(5);
    JsonObject set = cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/os-quota-sets/" + m.projectId()
        + "?usage=true", m.token(), null).bodyAsJsonObject().getJsonObject("quota_set");
    assertThat(set.getJsonObject("volumes").getInteger("limit")).isEqualTo(5);
    assertThat(set.getJsonObject("volumes").getInteger("in_use")).isEqualTo(5);
    assertThat(set.getJsonObject("gigabytes").getInteger("in_use")).isEqualTo(5);
  }

  @Test
  @DisplayName("a volume bigger than the gigabytes left, or an extend past it, answers 413; members cannot set quotas")
  void gigabytesQuota() {
    var m = cloud.identity.newProject("gbquota");
    setQuota(m, new JsonObject().put("gigabytes", 3));
    var big = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes", m.token(),
        new JsonObject().put("volume", new JsonObject().put("size", 4)));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.bodyAsJsonObject().getJsonObject("overLimit").getString("message"))
        .startsWith("VolumeSizeExceedsAvailableQuota");
    String id = cloud.create(m, new JsonObject().put("size", 2));
    cloud.awaitStatus(m, id, "available");
    var extend = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes/" + id + "/action", m.token(),
        new JsonObject().put("os-extend", new JsonObject().put("new_size", 4)));
    assertThat(extend.statusCode()).isEqualTo(413);
    assertThat(cloud.show(m, id).getString("status")).as("a refused extend changes nothing").isEqualTo("available");
    assertThat(cloud.call(HttpMethod.PUT, "/v3/" + m.projectId() + "/os-quota-sets/" + m.projectId(), m.token(),
        new JsonObject().put("quota_set", new JsonObject().put("volumes", 100))).statusCode()).isEqualTo(403);
    var other = cloud.identity.newProject("other");
    assertThat(cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/os-quota-sets/" + other.projectId(), m.token(),
        null).statusCode()).isEqualTo(403);
  }
}
