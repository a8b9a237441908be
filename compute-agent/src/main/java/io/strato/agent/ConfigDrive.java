package io.strato.agent;

import io.strato.agent.net.Plumbing;
import io.strato.common.auth.MetadataSignature;
import io.strato.common.config.Settings;
import io.strato.common.http.ClientPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nova's config drive ({@code --config-drive true}): an ISO9660 image labelled {@code config-2} holding
 * {@code openstack/latest/meta_data.json}, {@code network_data.json} and {@code user_data} (when there is one), the
 * same documents the metadata service serves, read from the metadata API with the proxy's signature. Written by
 * {@code genisoimage} (Debian's, as Nova's {@code mkisofs_cmd}) on a worker, into the instance's folder as
 * {@code disk.config}; the domain gets it as a CD-ROM. Written again by a retried build (same content).
 */
final class ConfigDrive {
  static final String LABEL = "config-2";
  private static final List<String> DOCUMENTS = List.of("meta_data.json", "network_data.json", "user_data");
  private final Vertx vertx;
  private final WebClient http;
  private final String baseUrl;
  private final String secret;
  private final long timeoutSeconds;

  ConfigDrive(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.http = ClientPolicy.from(settings).client(vertx);
    this.baseUrl = "http://" + Plumbing.metadataTarget(settings) + "/openstack/latest/";
    this.secret = settings.get(MetadataSignature.SECRET_SETTING);
    this.timeoutSeconds = settings.getLong("agent.config.drive.timeout.seconds");
  }

  /** Whether the build spec asks for a config drive (Nova's {@code config_drive}: "True", "true" or "1"). */
  static boolean wanted(JsonObject build) {
    String v = String.valueOf(build.getValue("config_drive", ""));
    return v.equalsIgnoreCase("true") || v.equals("1");
  }

  /** Writes the instance's config drive to {@code dir/disk.config} and returns its path. */
  Future<Path> write(String instanceId, Path dir) {
    Path tree = dir.resolve("config-drive");
    Path latest = tree.resolve("openstack/latest");
    Future<Void> fetched = vertx.fileSystem().mkdirs(latest.toString());
    for (String doc : DOCUMENTS) {
      fetched = fetched.compose(v -> fetch(instanceId, doc)).compose(body -> body == null
          ? Future.succeededFuture() : vertx.fileSystem().writeFile(latest.resolve(doc).toString(), body));
    }
    Path iso = dir.resolve("disk.config");
    return fetched.compose(v -> vertx.executeBlocking(() -> genisoimage(tree, iso), false));
  }

  /** One document of the instance's metadata; null when it has none (404: no user_data). */
  private Future<Buffer> fetch(String instanceId, String doc) {
    return http.getAbs(baseUrl + doc).putHeader(MetadataSignature.INSTANCE_HEADER, instanceId)
        .putHeader(MetadataSignature.SIGNATURE_HEADER, MetadataSignature.sign(secret, instanceId)).send()
        .map(resp -> {
          if (resp.statusCode() == 404 && doc.equals("user_data")) return null;
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("metadata " + doc + " of " + instanceId + ": HTTP " + resp.statusCode());
          }
          return resp.body() == null ? Buffer.buffer() : resp.body();
        });
  }

  private Path genisoimage(Path tree, Path iso) throws IOException, InterruptedException {
    Path log = Files.createTempFile("genisoimage", ".out");
    try {
      Process p = new ProcessBuilder("genisoimage", "-o", iso.toString(), "-ldots", "-allow-lowercase",
          "-allow-multidot", "-l", "-publisher", "Strato", "-quiet", "-J", "-r", "-V", LABEL, tree.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("genisoimage did not finish within " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("genisoimage exited " + p.exitValue() + ": "
            + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
      return iso;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
