package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.references.ServiceLookup;
import io.strato.testkit.LossyProxy;
import io.strato.testkit.TestDisks;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compute API's image look-up at create ({@link ImageLookup}) against the real image service, counted by a proxy
 * in front of it: a burst of creates of one image costs one call per project and period, and the cache never shows a
 * project an image the image service would not show it.
 */
@ExtendWith(SharedInfrastructure.class)
class ImageCacheTest {
  private static final TestCloud cloud = TestCloud.get();
  private static LossyProxy proxy;
  private static ServiceLookup service;

  @BeforeAll
  static void start() {
    int port = Ports.free();
    proxy = LossyProxy.start(cloud.vertx, port, cloud.imagePort, "NONE", "/", 0);
    service = new ServiceLookup(cloud.vertx, "image", "http://127.0.0.1:" + port,
        ClientPolicy.from(cloud.settings).withDeadline(cloud.settings.getLong("compute.lookup.timeout.ms")));
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  private static String image(String token, String visibility, boolean upload) {
    String id = cloud.call(HttpMethod.POST, cloud.imagePort, "/v2/images", token, new JsonObject().put("name", "cached")
        .put("disk_format", "qcow2").put("container_format", "bare").put("visibility", visibility), Map.of())
        .bodyAsJsonObject().getString("id");
    if (upload) upload(token, id);
    return id;
  }

  private static void upload(String token, String id) {
    var resp = cloud.call(HttpMethod.PUT, cloud.imagePort, "/v2/images/" + id + "/file", token,
        Buffer.buffer(TestDisks.qcow2(4096, 1)), Map.of("Content-Type", "application/octet-stream"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(204);
  }

  /** What a create of {@code id} by {@code member} is told: the image, or the 400's message. */
  private static Object boot(ImageLookup images, String id, TestIdentity.Member member) {
    try {
      return TestIdentity.await(images.activeImage(id, member.token(), member.projectId(), false)).getString("id");
    } catch (AssertionError e) {
      Throwable cause = e.getCause() == null ? e : e.getCause().getCause();
      assertThat(cause).isInstanceOf(ApiException.class);
      assertThat(((ApiException) cause).status()).isEqualTo(400);
      return cause.getMessage();
    }
  }

  @Test
  @DisplayName("500 creates of one image at once in a fresh project: all see it, the image service is asked once")
  void burstAsksOnce() {
    ImageLookup images = new ImageLookup(service, 60_000);
    var member = cloud.newProject("imgburst");
    int before = proxy.received();
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(images.activeImage(cloud.imageId, member.token(), member.projectId(), false));
    }
    TestIdentity.await(Future.all(calls));
    assertThat(calls).allSatisfy(c -> assertThat(c.result().getString("id")).isEqualTo(cloud.imageId));
    assertThat(proxy.received() - before).isEqualTo(1);
    assertThat(boot(images, cloud.imageId, member)).isEqualTo(cloud.imageId);
    assertThat(proxy.received() - before).as("a create after the burst, from the cache").isEqualTo(1);
  }

  @Test
  @DisplayName("a private image cached for its project is still 'not found' for another project, asked each time")
  void privateImageStaysPrivate() {
    ImageLookup images = new ImageLookup(service, 60_000);
    var owner = cloud.newProject("imgowner");
    var other = cloud.newProject("imgother");
    String id = image(owner.token(), "private", true);
    assertThat(boot(images, id, owner)).isEqualTo(id);
    int before = proxy.received();
    assertThat(boot(images, id, other)).isEqualTo("Image " + id + " could not be found.");
    assertThat(boot(images, id, other)).isEqualTo("Image " + id + " could not be found.");
    assertThat(proxy.received() - before).as("'not found' is never remembered").isEqualTo(2);
    assertThat(boot(images, id, owner)).isEqualTo(id);
  }

  @Test
  @DisplayName("an image not yet active is refused, and usable as soon as its upload finished (no stale refusal)")
  void queuedThenActive() {
    ImageLookup images = new ImageLookup(service, 60_000);
    var owner = cloud.newProject("imgqueued");
    String id = image(owner.token(), "private", false);
    assertThat(boot(images, id, owner)).isEqualTo("Image " + id + " is not active.");
    upload(owner.token(), id);
    assertThat(boot(images, id, owner)).isEqualTo(id);
  }

  @Test
  @DisplayName("an image deleted after it was cached is refused once the cache's TTL has passed")
  void deletedImageRefusedAfterTtl() {
    long ttl = 300;
    ImageLookup images = new ImageLookup(service, ttl);
    var owner = cloud.newProject("imgdeleted");
    String id = image(owner.token(), "private", true);
    assertThat(boot(images, id, owner)).isEqualTo(id);
    var deleted = cloud.call(HttpMethod.DELETE, cloud.imagePort, "/v2/images/" + id, owner.token(), null, Map.of());
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    long deadline = System.currentTimeMillis() + ttl + 10_000;
    Object seen = id;
    while (id.equals(seen) && System.currentTimeMillis() < deadline) seen = boot(images, id, owner);
    assertThat(seen).isEqualTo("Image " + id + " could not be found.");
  }
}
