package io.strato.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Glance's limits per image (properties, tags, property bytes) and per project (image_count_total,
 * image_size_total), on an image service of its own with small project limits.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageLimitsTest {
  private static TestIdentity identity;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    identity = TestIdentity.get();
    port = Ports.free();
    Settings settings = identity.settings.with(Map.of("image.port", String.valueOf(port),
        "image.store.dir", Files.createTempDirectory("strato-image-limits").toString(),
        "image.quota.image.count.total", "10", "image.quota.image.size.total", "1"));
    TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
    identity.awaitReady(port);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, port, path, token, body, Map.of());
  }

  private static JsonObject image(String name) {
    return new JsonObject().put("name", name).put("disk_format", "raw").put("container_format", "bare");
  }

  private static String create(String token, JsonObject fields) {
    var resp = call(HttpMethod.POST, "/v2/images", token, fields);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> upload(String token, String id, int bytes) {
    return identity.call(HttpMethod.PUT, port, "/v2/images/" + id + "/file", token, Buffer.buffer(new byte[bytes]),
        Map.of("Content-Type", "application/octet-stream"));
  }

  private static void assertOverLimit(HttpResponse<Buffer> resp, String message) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().getJsonObject("overLimit").getString("message")).contains(message);
  }

  @Test
  @DisplayName("30 parallel creates against image_count_total 10: exactly 10 images, 20 answer 413")
  void imageCountExactUnderConcurrency() {
    var member = identity.newProject("imgcount");
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(identity.http.request(HttpMethod.POST, port, "127.0.0.1", "/v2/images")
          .putHeader("X-Auth-Token", member.token()).sendJsonObject(image("i" + i)));
    }
    TestIdentity.await(Future.join(calls));
    List<HttpResponse<Buffer>> replies = calls.stream().map(Future::result).toList();
    assertThat(replies.stream().filter(r -> r.statusCode() == 201).count()).isEqualTo(10);
    List<HttpResponse<Buffer>> refused = replies.stream().filter(r -> r.statusCode() == 413).toList();
    assertThat(refused).hasSize(20);
    assertOverLimit(refused.get(0), "image_count_total is over limit of 10");
    JsonArray listed = call(HttpMethod.GET, "/v2/images?owner=" + member.projectId(), member.token(), null)
        .bodyAsJsonObject().getJsonArray("images");
    assertThat(listed).hasSize(10);

    String one = listed.getJsonObject(0).getString("id");
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + one, member.token(), null).statusCode()).isEqualTo(204);
    create(member.token(), image("after-delete"));
  }

  @Test
  @DisplayName("an upload once the project's active images fill image_size_total answers 413; the image stays queued")
  void imageSizeTotal() {
    var member = identity.newProject("imgsize");
    String first = create(member.token(), image("first"));
    assertThat(upload(member.token(), first, 600_000).statusCode()).isEqualTo(204);
    String second = create(member.token(), image("second"));
    assertOverLimit(upload(member.token(), second, 600_000), "image_size_total is over limit of 1");
    assertThat(call(HttpMethod.GET, "/v2/images/" + second, member.token(), null).bodyAsJsonObject()
        .getString("status")).isEqualTo("queued");
  }

  @Test
  @DisplayName("129 properties or 129 tags answer Glance's 413 on create, patch and tag; 128 are accepted")
  void propertyAndTagCounts() {
    var member = identity.newProject("imgprops");
    JsonObject many = image("props");
    for (int i = 0; i < 129; i++) many.put("p" + i, "v");
    assertOverLimit(call(HttpMethod.POST, "/v2/images", member.token(), many),
        "number of allowed image properties. Attempted: 129, Maximum: 128");
    many.remove("p0");
    String id = create(member.token(), many);
    var patch = identity.call(HttpMethod.PATCH, port, "/v2/images/" + id, member.token(), new JsonArray()
            .add(new JsonObject().put("op", "add").put("path", "/extra").put("value", "v")).encode(),
        Map.of("Content-Type", ImagePatch.MEDIA_TYPE));
    assertOverLimit(patch, "Attempted: 129, Maximum: 128");

    JsonArray tags = new JsonArray();
    for (int i = 0; i < 129; i++) tags.add("t" + i);
    assertOverLimit(call(HttpMethod.POST, "/v2/images", member.token(), image("tags").put("tags", tags)),
        "number of allowed image tags. Attempted: 129, Maximum: 128");
    tags.remove(0);
    String tagged = create(member.token(), image("tags").put("tags", tags));
    assertOverLimit(call(HttpMethod.PUT, "/v2/images/" + tagged + "/tags/one-more", member.token(), null),
        "number of allowed image tags");
    assertThat(call(HttpMethod.PUT, "/v2/images/" + tagged + "/tags/t1", member.token(), null).statusCode())
        .as("a tag it already has").isEqualTo(204);
  }

  @Test
  @DisplayName("properties over 65536 bytes in total answer 413, also when added one patch at a time")
  void propertyBytes() {
    var member = identity.newProject("imgbytes");
    assertOverLimit(call(HttpMethod.POST, "/v2/images", member.token(), image("big")
        .put("hw_a", "x".repeat(40_000)).put("hw_b", "x".repeat(40_000))), "total size of image properties");
    String id = create(member.token(), image("big").put("hw_a", "x".repeat(40_000)));
    var patch = identity.call(HttpMethod.PATCH, port, "/v2/images/" + id, member.token(), new JsonArray()
            .add(new JsonObject().put("op", "add").put("path", "/hw_b").put("value", "x".repeat(40_000))).encode(),
        Map.of("Content-Type", ImagePatch.MEDIA_TYPE));
    assertOverLimit(patch, "total size of image properties");
  }
}
