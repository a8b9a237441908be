package io.strato.launcher;

import io.strato.common.config.Settings;
import io.strato.embedded.DemoImageBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the demo image {@code cirros} in the image service, the way a user would with the Glance API: a kernel
 * ({@code aki}), a ramdisk ({@code ari}) and a machine image whose {@code kernel_id}/{@code ramdisk_id} point at
 * them, all public. Skipped when an image of that name exists already; a machine that cannot reach Debian's
 * package archive gets a warning and no demo image, and the rest of the cloud still runs.
 */
final class DemoImage {
  private static final Logger LOG = LoggerFactory.getLogger(DemoImage.class);
  static final String NAME = "cirros";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Settings settings;
  private final String adminPassword;

  DemoImage(Settings settings, String adminPassword) {
    this.settings = settings;
    this.adminPassword = adminPassword;
  }

  void ensure() {
    try {
      String token = adminToken();
      if (exists(token)) return;
      DemoImageBuilder.Files3 files = DemoImageBuilder.build();
      String kernel = register(token, "{\"name\":\"cirros-kernel\",\"disk_format\":\"aki\",\"container_format\":"
          + "\"aki\",\"visibility\":\"public\"}", files.kernel());
      String ramdisk = register(token, "{\"name\":\"cirros-ramdisk\",\"disk_format\":\"ari\",\"container_format\":"
          + "\"ari\",\"visibility\":\"public\"}", files.initrd());
      String machine = register(token, "{\"name\":\"" + NAME + "\",\"disk_format\":\"raw\",\"container_format\":"
          + "\"bare\",\"visibility\":\"public\",\"architecture\":\"x86_64\",\"kernel_id\":\"" + kernel
          + "\",\"ramdisk_id\":\"" + ramdisk + "\",\"os_command_line\":\"console=ttyS0 rdinit=/init\","
          + "\"hw_disk_bus\":\"virtio\"}", files.disk());
      LOG.info("demo image '{}' registered ({})", NAME, machine);
    } catch (Exception e) {
      LOG.warn("no demo image: {}", e.getMessage());
    }
  }

  private String imageUrl() {
    return "http://127.0.0.1:" + settings.get("image.port");
  }

  private String adminToken() throws Exception {
    String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\""
        + settings.get("identity.bootstrap.admin.name") + "\",\"domain\":{\"id\":\"default\"},\"password\":\""
        + adminPassword + "\"}}},\"scope\":{\"project\":{\"name\":\"" + settings.get("identity.bootstrap.project")
        + "\",\"domain\":{\"id\":\"default\"}}}}}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + settings.get("identity.port") + "/v3/auth/tokens")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("admin login failed: " + r.statusCode());
    return r.headers().firstValue("X-Subject-Token").orElseThrow();
  }

  private boolean exists(String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(imageUrl() + "/v2/images?name=" + NAME))
        .header("X-Auth-Token", token).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 && r.body().contains("\"name\":\"" + NAME + "\"");
  }

  private String register(String token, String json, Path file) throws Exception {
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(imageUrl() + "/v2/images"))
        .header("X-Auth-Token", token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) throw new IllegalStateException("image create: " + created.body());
    String id = new io.vertx.core.json.JsonObject(created.body()).getString("id");
    HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(imageUrl() + "/v2/images/" + id
            + "/file")).header("X-Auth-Token", token).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
    if (upload.statusCode() != 204) throw new IllegalStateException("image upload: " + upload.body());
    return id;
  }
}
