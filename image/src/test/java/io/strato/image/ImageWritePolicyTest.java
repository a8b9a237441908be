package io.strato.image;

import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.WriteWalk;
import io.strato.testkit.WriteWalk.Write;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every write of the Glance API refuses a reader of the owning project (403 "You are not authorized to complete
 * ... action."), a member of another project (404: a private image is not revealed), and callers without a valid
 * token (401), and leaves the owner's images exactly as they were.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageWritePolicyTest {

  @TestFactory
  Stream<DynamicContainer> writesRefuseReadersOtherProjectsAndBadTokens() throws Exception {
    TestIdentity identity = TestIdentity.get();
    // An instance of its own on a port of its own, so no other test class's settings matter here.
    int port = Ports.free();
    TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(identity.settings.with(Map.of(
        "image.port", String.valueOf(port), "image.store.dir",
        Files.createTempDirectory("strato-image-policy").toString()))))));
    identity.awaitReady(port);
    TestIdentity.Member owner = identity.newProject("owner");
    String image = "/v2/images/" + create(identity, port, owner, "tagged");
    identity.call(HttpMethod.PUT, port, image + "/tags/keep", owner.token(), null, Map.of());
    String queued = "/v2/images/" + create(identity, port, owner, "queued");

    Map<String, String> patch = Map.of("Content-Type", "application/openstack-images-v2.1-json-patch");
    JsonArray rename = new JsonArray().add(new JsonObject().put("op", "replace").put("path", "/name")
        .put("value", "renamed-by-intruder"));
    List<Write> writes = List.of(
        new Write("create image", HttpMethod.POST, "/v2/images", fields("intruder"), 0),
        new Write("update image", HttpMethod.PATCH, image, rename, patch, 404),
        new Write("add tag", HttpMethod.PUT, image + "/tags/intruder", null, 404),
        new Write("remove tag", HttpMethod.DELETE, image + "/tags/keep", null, 404),
        new Write("upload data", HttpMethod.PUT, queued + "/file", Buffer.buffer(new byte[4096]),
            Map.of("Content-Type", "application/octet-stream"), 404),
        new Write("delete image", HttpMethod.DELETE, image, null, 404));

    String admin = identity.adminToken();
    return new WriteWalk(identity, port, owner, WriteWalk.compute(),
        "You are not authorized to complete [a-z_]+ action")
        .walk(writes, () -> identity.call(HttpMethod.GET, port, "/v2/images?owner=" + owner.projectId(), admin, null,
            Map.of()).bodyAsJsonObject());
  }

  private static JsonObject fields(String name) {
    return new JsonObject().put("name", name).put("disk_format", "raw").put("container_format", "bare");
  }

  private static String create(TestIdentity identity, int port, TestIdentity.Member owner, String name) {
    var resp = identity.call(HttpMethod.POST, port, "/v2/images", owner.token(), fields(name), Map.of());
    if (resp.statusCode() != 201) throw new AssertionError(resp.bodyAsString());
    return resp.bodyAsJsonObject().getString("id");
  }
}
