package io.strato.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestDisks;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SharedInfrastructure.class)
class ImageApiTest {
  private static final long MAX_BYTES = 3_000_000;
  private static TestIdentity identity;
  private static int port;
  private static Path store;

  @BeforeAll
  static void start() throws Exception {
    identity = TestIdentity.get();
    port = identity.settings.getInt("image.port");
    store = Files.createTempDirectory("strato-image-test");
    Settings settings = identity.settings.with(Map.of(
        "image.store.dir", store.toString(), "image.max.bytes", String.valueOf(MAX_BYTES)));
    TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
    identity.awaitReady(port);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, port, path, token, body, Map.of());
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body,
      Map<String, String> headers) {
    return identity.call(method, port, path, token, body, headers);
  }

  private static String create(String token, JsonObject fields) {
    var resp = call(HttpMethod.POST, "/v2/images", token, fields);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    assertThat(resp.bodyAsJsonObject().getString("status")).isEqualTo("queued");
    return resp.bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> upload(String token, String id, byte[] data) {
    return call(HttpMethod.PUT, "/v2/images/" + id + "/file", token, Buffer.buffer(data),
        Map.of("Content-Type", "application/octet-stream"));
  }

  private static JsonObject show(String token, String id) {
    return call(HttpMethod.GET, "/v2/images/" + id, token, null).bodyAsJsonObject();
  }

  private static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  @Test
  @DisplayName("an upload streams to disk, measures size, md5 and sha512, and downloads back byte for byte")
  void uploadAndDownload() throws Exception {
    var member = identity.newProject("img");
    String id = create(member.token(), new JsonObject().put("name", "disk").put("disk_format", "qcow2")
        .put("container_format", "bare").put("hw_disk_bus", "virtio").put("architecture", "x86_64"));
    byte[] data = TestDisks.qcow2(2_400_256, 42);
    assertThat(data.length).isGreaterThan(2_400_256);
    assertThat(upload(member.token(), id, data).statusCode()).isEqualTo(204);

    JsonObject image = show(member.token(), id);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getLong("size")).isEqualTo(data.length);
    assertThat(image.getLong("virtual_size")).as("measured by inspection").isEqualTo(2_400_256);
    assertThat(image.getString("checksum")).isEqualTo(hex("MD5", data));
    assertThat(image.getString("os_hash_algo")).isEqualTo("sha512");
    assertThat(image.getString("os_hash_value")).isEqualTo(hex("SHA-512", data));
    assertThat(image.getString("hw_disk_bus")).isEqualTo("virtio");
    assertThat(Files.size(store.resolve(id))).isEqualTo(data.length);

    var download = call(HttpMethod.GET, "/v2/images/" + id + "/file", member.token(), null);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body().getBytes()).isEqualTo(data);
    assertThat(download.getHeader("Content-MD5")).isEqualTo(hex("MD5", data));

    var range = call(HttpMethod.GET, "/v2/images/" + id + "/file", member.token(), null, Map.of("Range", "bytes=10-19"));
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + data.length);
    assertThat(range.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 20));
    var suffix = call(HttpMethod.GET, "/v2/images/" + id + "/file", member.token(), null, Map.of("Range", "bytes=-5"));
    assertThat(suffix.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 5, data.length));
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", member.token(), null,
        Map.of("Range", "bytes=99999999-")).statusCode()).isEqualTo(416);

    var again = upload(member.token(), id, data);
    assertThat(again.statusCode()).as("only a queued image takes data").isEqualTo(409);
  }

  @Test
  @DisplayName("a Range past what a long holds answers at once: the whole file up to a huge end, 416 from a huge start")
  void hugeRanges() {
    var member = identity.newProject("range");
    String id = create(member.token(), new JsonObject().put("name", "r").put("disk_format", "raw")
        .put("container_format", "bare"));
    byte[] data = new byte[1000];
    assertThat(upload(member.token(), id, data).statusCode()).isEqualTo(204);
    String huge = "99999999999999999999";
    Map<String, Integer> expected = Map.of("bytes=0-" + huge, 206, "bytes=" + huge + "-", 416,
        "bytes=-" + huge, 206, "bytes=" + huge + "-" + huge, 416);
    expected.forEach((range, status) -> {
      var resp = TestIdentity.await(identity.http.request(HttpMethod.GET, port, "127.0.0.1",
          "/v2/images/" + id + "/file").putHeader("X-Auth-Token", member.token()).putHeader("Range", range)
          .timeout(5_000).send());
      assertThat(resp.statusCode()).as(range).isEqualTo(status);
      if (status == 206) assertThat(resp.body().length()).as(range).isEqualTo(data.length);
    });
  }

  @Test
  @DisplayName("an upload cut off mid-stream leaves the image killed and no file behind")
  void interruptedUploadKillsTheImage() {
    var member = identity.newProject("cut");
    String id = create(member.token(), new JsonObject().put("name", "cut").put("disk_format", "raw")
        .put("container_format", "bare"));
    HttpClient client = identity.vertx.createHttpClient();
    Promise<Void> sent = Promise.promise();
    client.request(new RequestOptions().setMethod(HttpMethod.PUT).setPort(port).setHost("127.0.0.1")
            .setURI("/v2/images/" + id + "/file").putHeader("X-Auth-Token", member.token())
            .putHeader("Content-Type", "application/octet-stream").putHeader("Content-Length", "1000000"))
        .onSuccess(req -> {
          req.write(Buffer.buffer(new byte[100_000]));
          identity.vertx.setTimer(300, t -> {
            req.connection().close();
            sent.complete();
          });
        }).onFailure(sent::fail);
    TestIdentity.await(sent.future());
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"killed".equals(show(member.token(), id).getString("status"))) {
      assertThat(System.currentTimeMillis()).as("image never killed").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(store.resolve(id + ".part")).doesNotExist();
    assertThat(store.resolve(id)).doesNotExist();
    assertThat(upload(member.token(), id, new byte[10]).statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName("an image bigger than image.max.bytes is refused with 413 and killed")
  void oversizeUpload() {
    var member = identity.newProject("big");
    String id = create(member.token(), new JsonObject().put("name", "big").put("disk_format", "raw")
        .put("container_format", "bare"));
    assertThat(upload(member.token(), id, new byte[(int) MAX_BYTES + 1000]).statusCode()).isEqualTo(413);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"killed".equals(show(member.token(), id).getString("status"))) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("untrustedUploads")
  @DisplayName("an upload whose data is not what it claims is refused with 415 and the image killed, nothing kept")
  void uploadFailingInspection(String what, String diskFormat, byte[] data, String reason) {
    var member = identity.newProject("inspect");
    String id = create(member.token(), new JsonObject().put("name", "bad").put("disk_format", diskFormat)
        .put("container_format", "bare"));
    var resp = upload(member.token(), id, data);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(415);
    JsonObject fault = resp.bodyAsJsonObject().getJsonObject("badMediaType");
    assertThat(fault.getInteger("code")).isEqualTo(415);
    assertThat(fault.getString("message")).contains(reason).doesNotContain(store.toString());
    JsonObject image = show(member.token(), id);
    assertThat(image.getString("status")).isEqualTo("killed");
    assertThat(image.getValue("checksum")).isNull();
    assertThat(store.resolve(id)).doesNotExist();
    assertThat(store.resolve(id + ".part")).doesNotExist();
    assertThat(call(HttpMethod.GET, "/v2/images/" + id + "/file", member.token(), null).body()).isNull();
  }

  static Stream<Arguments> untrustedUploads() {
    byte[] noise = new byte[100_000];
    new Random(5).nextBytes(noise);
    byte[] qcow2 = TestDisks.qcow2(65_536, 6);
    return Stream.of(
        Arguments.of("random bytes declared qcow2", "qcow2", noise, "Image disk_format qcow2 does not match stream"
            + " data raw"),
        Arguments.of("a qcow2 declared raw", "raw", qcow2, "Image disk_format raw does not match stream data qcow2"),
        Arguments.of("a qcow2 declared as a kernel (aki)", "aki", qcow2, "does not match stream data qcow2"),
        Arguments.of("a qcow2 whose backing file is /etc/passwd", "qcow2", TestDisks.qcow2BackedBy("/etc/passwd"),
            "backing file"),
        Arguments.of("a qcow2 whose backing file is /etc/passwd, declared raw", "raw",
            TestDisks.qcow2BackedBy("/etc/passwd"), "backing file"),
        Arguments.of("a qcow2 with an external data file", "qcow2", TestDisks.qcow2WithDataFile(),
            "external data file"));
  }

  @Test
  @DisplayName("data for an image that has no disk_format is refused with 400 and the image stays queued")
  void uploadWithoutDiskFormat() {
    var member = identity.newProject("noformat");
    String id = create(member.token(), new JsonObject().put("name", "unformatted"));
    var resp = upload(member.token(), id, new byte[512]);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .isEqualTo("Properties disk_format, container_format must be set prior to saving data.");
    assertThat(show(member.token(), id).getString("status")).isEqualTo("queued");
  }

  @Test
  @DisplayName("private images stay in their project; public ones need an admin and are seen by all")
  void visibility() {
    var alice = identity.newProject("alice");
    var bob = identity.newProject("bob");
    String privateId = create(alice.token(), new JsonObject().put("name", "alice-only").put("visibility", "private"));
    assertThat(call(HttpMethod.GET, "/v2/images/" + privateId, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + privateId, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/v2/images", alice.token(), new JsonObject().put("name", "x")
        .put("visibility", "public")).statusCode()).isEqualTo(403);
    String publicId = create(identity.adminToken(), new JsonObject().put("name", "shared-" + privateId)
        .put("visibility", "public"));
    JsonArray seenByBob = call(HttpMethod.GET, "/v2/images?name=shared-" + privateId, bob.token(), null)
        .bodyAsJsonObject().getJsonArray("images");
    assertThat(seenByBob.stream().map(i -> ((JsonObject) i).getString("id"))).containsExactly(publicId);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + publicId, bob.token(), null).statusCode()).isEqualTo(403);
    JsonArray alices = call(HttpMethod.GET, "/v2/images", alice.token(), null).bodyAsJsonObject()
        .getJsonArray("images");
    assertThat(alices.stream().map(i -> ((JsonObject) i).getString("id"))).contains(privateId, publicId);
    JsonObject page = call(HttpMethod.GET, "/v2/images?limit=1", alice.token(), null).bodyAsJsonObject();
    assertThat(page.getJsonArray("images")).hasSize(1);
    assertThat(page.getString("next")).contains("marker=");
  }

  @Test
  @DisplayName("JSON-patch renames, adds and removes properties; read-only and core removals are refused")
  void patch() {
    var member = identity.newProject("patch");
    String id = create(member.token(), new JsonObject().put("name", "before").put("os_distro", "cirros"));
    Map<String, String> patchType = Map.of("Content-Type", ImagePatch.MEDIA_TYPE);
    var ok = call(HttpMethod.PATCH, "/v2/images/" + id, member.token(), new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/name").put("value", "after"))
        .add(new JsonObject().put("op", "add").put("path", "/hw_qemu_guest_agent").put("value", "yes"))
        .add(new JsonObject().put("op", "remove").put("path", "/os_distro")), patchType);
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("name")).isEqualTo("after");
    assertThat(ok.bodyAsJsonObject().getString("hw_qemu_guest_agent")).isEqualTo("yes");
    assertThat(ok.bodyAsJsonObject().containsKey("os_distro")).isFalse();
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, member.token(), new JsonArray().add(new JsonObject()
        .put("op", "replace").put("path", "/status").put("value", "active")), patchType).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, member.token(), new JsonArray().add(new JsonObject()
        .put("op", "remove").put("path", "/name")), patchType).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, member.token(), new JsonArray().add(new JsonObject()
        .put("op", "replace").put("path", "/disk_format").put("value", "floppy")), patchType).statusCode())
        .isEqualTo(400);
    assertThat(call(HttpMethod.PATCH, "/v2/images/" + id, member.token(), new JsonArray(), Map.of("Content-Type",
        "application/json")).statusCode()).isEqualTo(415);
    assertThat(call(HttpMethod.PUT, "/v2/images/" + id + "/tags/blue", member.token(), null).statusCode())
        .isEqualTo(204);
    assertThat(show(member.token(), id).getJsonArray("tags")).containsExactly("blue");
  }

  @Test
  @DisplayName("a protected image cannot be deleted; a deleted image is gone with its data")
  void delete() {
    var member = identity.newProject("del");
    String keep = create(member.token(), new JsonObject().put("name", "keep").put("protected", true));
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + keep, member.token(), null).statusCode()).isEqualTo(403);
    String id = create(member.token(), new JsonObject().put("name", "bye").put("disk_format", "raw")
        .put("container_format", "bare"));
    upload(member.token(), id, new byte[1000]);
    assertThat(call(HttpMethod.DELETE, "/v2/images/" + id, member.token(), null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/v2/images/" + id, member.token(), null).statusCode()).isEqualTo(404);
    assertThat(store.resolve(id)).doesNotExist();
  }

  @Test
  @DisplayName("bad image bodies answer 400, never 500")
  void badInputs() {
    var member = identity.newProject("badimg");
    assertThat(call(HttpMethod.POST, "/v2/images", member.token(), new JsonObject().put("disk_format", "floppy"))
        .statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v2/images", member.token(), new JsonObject().put("min_ram", -1))
        .statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v2/images", member.token(), new JsonObject().put("name", 5)).statusCode())
        .isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v2/images", member.token(), new JsonObject().put("size", 5)).statusCode())
        .isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/v2/images", member.token(), "{oops").statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/v2/images/not-a-uuid", member.token(), null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/v2/images?limit=abc", member.token(), null).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/v2/images", null, null).statusCode()).isEqualTo(401);
  }

}
