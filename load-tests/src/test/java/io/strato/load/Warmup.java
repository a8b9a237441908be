package io.strato.load;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Boots a few servers to ACTIVE and deletes them before a measured run, outside its figures: the cloud's JIT, caches
 * and connections are warm when the run starts, as in a cloud that has been up for a while.
 */
final class Warmup {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Warmup() {}

  static void run(String token, CloudSetup.Tenant tenant, int servers) throws Exception {
    if (servers <= 0) return;
    String compute = LoadSettings.computeUrl() + "/v2.1";
    List<String> ids = new ArrayList<>();
    try (ActiveWatcher watcher = new ActiveWatcher(token, id -> {})) {
      for (int done = 0; done < servers; done += 10) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = done; i < Math.min(servers, done + 10); i++) {
          String body = new JsonObject().put("server", new JsonObject().put("name", "warmup-" + i)
              .put("imageRef", tenant.imageId()).put("flavorRef", tenant.flavorId()).put("networks", "none")).encode();
          calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(compute + "/servers"))
              .header("X-Auth-Token", token).header("Content-Type", "application/json")
              .header("OpenStack-API-Version", LoadSettings.COMPUTE_VERSION)
              .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
        for (var c : calls) {
          HttpResponse<String> r = c.join();
          if (r.statusCode() != 202) throw new IllegalStateException("warm-up create: " + r.statusCode() + " " + r.body());
          String id = new JsonObject(r.body()).getJsonObject("server").getString("id");
          ids.add(id);
          watcher.expect(id, System.nanoTime());
        }
      }
      long deadline = System.nanoTime() + LoadSettings.activeTimeoutSeconds() * 1_000_000_000L;
      while (watcher.settledCount() < ids.size() && System.nanoTime() < deadline) Thread.sleep(200);
      if (watcher.settledCount() < ids.size() || watcher.errors() > 0) {
        throw new IllegalStateException("warm-up: " + watcher.settledCount() + " of " + ids.size()
            + " servers settled, " + watcher.errors() + " in ERROR");
      }
    }
    delete(token, ids);
    System.err.println("warm-up: " + servers + " servers booted to ACTIVE and deleted");
  }

  /** Deletes servers, 16 at a time; 204 or 404 (already gone) is fine. */
  static void delete(String token, List<String> ids) {
    String compute = LoadSettings.computeUrl() + "/v2.1";
    for (int i = 0; i < ids.size(); i += 16) {
      List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
      for (String id : ids.subList(i, Math.min(ids.size(), i + 16))) {
        calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(compute + "/servers/" + id))
            .header("X-Auth-Token", token).timeout(Duration.ofSeconds(30)).DELETE().build(),
            HttpResponse.BodyHandlers.discarding()));
      }
      calls.forEach(CompletableFuture::join);
    }
  }
}
