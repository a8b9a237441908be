package io.strato.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.http.FaultFormat;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.fuzz.ApiFuzzer;
import io.strato.testkit.fuzz.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of mutated Glance calls (create, JSON-patch updates, tags, uploads, list queries, shows and deletes of
 * hostile ids): no 5xx, no hang, every 4xx a fault, no accepted invalid value. The seed is printed with every
 * failure; {@code -Dstrato.fuzz.seed=<seed>} replays a run.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageFuzzTest {
  private static final String PATCH = "application/openstack-images-v2.1-json-patch";

  @Test
  @DisplayName("mutated image create, patch, tag, upload and list calls answer 2xx or a Glance 4xx, never 5xx or"
      + " nothing")
  void fuzz() throws Exception {
    TestIdentity identity = TestIdentity.get();
    int port = Ports.free();
    TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(identity.settings.with(Map.of(
        "image.port", String.valueOf(port), "image.store.dir",
        Files.createTempDirectory("strato-image-fuzz").toString()))))));
    identity.awaitReady(port);
    TestIdentity.Member member = identity.newProject("fuzz");
    var created = identity.call(HttpMethod.POST, port, "/v2/images", member.token(), new JsonObject()
        .put("name", "fuzz").put("disk_format", "raw").put("container_format", "bare"), Map.of());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String image = "/v2/images/" + created.bodyAsJsonObject().getString("id");
    var queued = identity.call(HttpMethod.POST, port, "/v2/images", member.token(), new JsonObject()
        .put("name", "queued").put("disk_format", "raw").put("container_format", "bare"), Map.of());
    String upload = "/v2/images/" + queued.bodyAsJsonObject().getString("id") + "/file";
    assertThat(identity.call(HttpMethod.PUT, port, image + "/file", member.token(), Buffer.buffer(new byte[512]),
        Map.of("Content-Type", "application/octet-stream")).statusCode()).isEqualTo(204);

    List<Operation> operations = List.of(
        Operation.create("image create", "/v2/images", new JsonObject().put("name", "i").put("disk_format", "qcow2")
            .put("container_format", "bare").put("visibility", "private").put("min_disk", 1).put("min_ram", 64)
            .put("protected", false).put("tags", new JsonArray().add("a").add("b")).put("architecture", "x86_64")
            .put("os_distro", "cirros"),
            r -> "/v2/images/" + r.getString("id"), false),
        Operation.updateList("image patch", HttpMethod.PATCH, image, new JsonArray()
            .add(new JsonObject().put("op", "replace").put("path", "/name").put("value", "renamed"))
            .add(new JsonObject().put("op", "add").put("path", "/hw_disk_bus").put("value", "virtio"))
            .add(new JsonObject().put("op", "replace").put("path", "/min_ram").put("value", 128))
            .add(new JsonObject().put("op", "add").put("path", "/tags").put("value", new JsonArray().add("t")))
            .add(new JsonObject().put("op", "remove").put("path", "/hw_disk_bus"))),
        Operation.bodiless("tag", HttpMethod.PUT, image + "/tags/fuzz"),
        Operation.bodiless("untag", HttpMethod.DELETE, image + "/tags/fuzz"),
        // Uploads of JSON: refused (415) or, when the mutated content type is right, stored for the queued image.
        Operation.update("upload", HttpMethod.PUT, upload, new JsonObject().put("data", "x"), false),
        Operation.list("images", "/v2/images", "name", "status", "visibility", "owner", "tag", "member_status",
            "os_hidden", "size_min", "size_max", "created_at", "updated_at", "protected", "disk_format",
            "container_format"),
        Operation.list("image", image),
        Operation.list("schemas", "/v2/schemas/image"));
    ApiFuzzer fuzzer = new ApiFuzzer(identity.vertx, port, member::token, Map.of("Content-Type", PATCH), operations)
        .expectFaults(FaultFormat.IMAGE);
    try {
      fuzzer.run(ApiFuzzer.seed(), 2500);
    } finally {
      fuzzer.close();
    }
  }
}
