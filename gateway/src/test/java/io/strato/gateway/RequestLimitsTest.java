package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.messages.BootRequest;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every size a tenant controls in {@code POST /servers} has Nova's limit and fault, and nothing a tenant sends
 * produces a boot request larger than the topic accepts.
 */
@ExtendWith(SharedInfrastructure.class)
class RequestLimitsTest {
  /** Nova's (oslo.middleware's) max_request_body_size, Strato's http.max.body.bytes. */
  private static final int MAX_BODY = 114_688;
  private static TestCloud cloud;
  private static BootRequestWatcher watcher;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    watcher = new BootRequestWatcher(cloud.vertx, cloud.settings);
  }

  @Test
  @DisplayName("the largest body the compute API accepts (user_data 64 KiB, metadata to the byte limit) boots")
  void largestBodyBoots() {
    TestIdentity.Member member = cloud.newProject("largest");
    String body = sizedBody(MAX_BODY);
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    BootRequest boot = watcher.awaitFor(resp.bodyAsJsonObject().getJsonObject("server").getString("id"));
    assertThat(boot.build().getJsonObject("metadata"))
        .isEqualTo(new JsonObject(body).getJsonObject("server").getJsonObject("metadata"));
  }

  @Test
  @DisplayName("a body one byte over Nova's 114688 answers 413 overLimit, even when every field is valid")
  void bodyOverTheLimit() {
    TestIdentity.Member member = cloud.newProject("over");
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), sizedBody(MAX_BODY + 1));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().getJsonObject("overLimit").getInteger("code")).isEqualTo(413);
    assertThat(servers(member)).isEmpty();
  }

  @Test
  @DisplayName("personality: a sixth file, a path over 255 bytes or content over 10240 bytes answer Nova's 403")
  void personalityLimits() {
    TestIdentity.Member member = cloud.newProject("files");
    JsonArray six = new JsonArray();
    for (int i = 0; i < 6; i++) six.add(file("/etc/f" + i, 10));
    assertForbidden(member, six, "Personality file limit exceeded");
    assertForbidden(member, new JsonArray().add(file("/" + "p".repeat(255), 10)), "Personality file path too long");
    assertForbidden(member, new JsonArray().add(file("/etc/big", 10_241)), "Personality file content too long");
    JsonObject ok = cloud.server("files");
    ok.getJsonObject("server").put("personality", new JsonArray().add(file("/etc/motd", 10_240)));
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), ok).statusCode()).isEqualTo(202);
  }

  @Test
  @DisplayName("129 metadata items answer Nova's 403; 128 are accepted")
  void metadataItems() {
    TestIdentity.Member member = cloud.newProject("meta");
    JsonObject body = cloud.server("meta");
    JsonObject metadata = new JsonObject();
    for (int i = 0; i < 129; i++) metadata.put("k" + i, "v");
    body.getJsonObject("server").put("metadata", metadata);
    var refused = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
        .isEqualTo("Maximum number of metadata items exceeds 128");
    metadata.remove("k0");
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body).statusCode()).isEqualTo(202);
  }

  @Test
  @DisplayName("a multi-create whose boot request would exceed the topic's record limit answers 413, creates nothing,"
      + " and other projects' boots still reach Kafka")
  void bootRequestBeyondTheTopicLimit() {
    TestIdentity.Member member = cloud.newProject("huge");
    assertThat(cloud.call(HttpMethod.PUT, "/v2.1/os-quota-sets/" + member.projectId(), cloud.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("instances", -1).put("cores", -1).put("ram", -1)))
        .statusCode()).isEqualTo(200);
    // 4000 names of 255 characters (plus 4000 ids): about 1.2 MB of boot request from a 300-byte body.
    JsonObject body = cloud.server("n".repeat(255));
    body.getJsonObject("server").put("min_count", 4000).put("max_count", 4000);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().getJsonObject("overLimit").getString("message")).contains("max_count");
    assertThat(servers(member)).isEmpty();

    TestIdentity.Member other = cloud.newProject("after-huge");
    var next = cloud.call(HttpMethod.POST, "/v2.1/servers", other.token(), cloud.server("after"));
    assertThat(next.statusCode()).isEqualTo(202);
    watcher.awaitFor(next.bodyAsJsonObject().getJsonObject("server").getString("id"));
  }

  private void assertForbidden(TestIdentity.Member member, JsonArray files, String message) {
    JsonObject body = cloud.server("files");
    body.getJsonObject("server").put("personality", files);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(403);
    assertThat(resp.bodyAsJsonObject().getJsonObject("forbidden").getString("message")).isEqualTo(message);
  }

  private static JsonObject file(String path, int bytes) {
    return new JsonObject().put("path", path).put("contents", Base64.getEncoder().encodeToString(new byte[bytes]));
  }

  private JsonArray servers(TestIdentity.Member member) {
    return cloud.call(HttpMethod.GET, "/v2.1/servers", member.token(), null).bodyAsJsonObject()
        .getJsonArray("servers");
  }

  /**
   * A valid create body of exactly {@code bytes} bytes: the largest user_data Nova takes (65532 base64 characters,
   * under its 65535), then metadata items (keys and values within 255) up to the size, the name taking the rest.
   */
  private static String sizedBody(int bytes) {
    JsonObject body = cloud.server("s");
    JsonObject server = body.getJsonObject("server").put("user_data", "A".repeat(65_532));
    JsonObject metadata = new JsonObject();
    server.put("metadata", metadata);
    for (int i = 0; i < 128; i++) {
      String key = String.format("k%03d", i) + "x".repeat(200);
      metadata.put(key, "");
      int room = bytes - length(body);
      if (room < 0) {
        metadata.remove(key);
        break;
      }
      metadata.put(key, "v".repeat(Math.min(255, room)));
      if (length(body) == bytes) break;
    }
    server.put("name", "s" + "n".repeat(bytes - length(body)));
    assertThat(server.getString("name").length()).isLessThanOrEqualTo(255);
    return body.encode();
  }

  private static int length(JsonObject body) {
    return body.encode().getBytes(StandardCharsets.UTF_8).length;
  }
}
