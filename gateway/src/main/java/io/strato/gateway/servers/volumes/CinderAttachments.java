package io.strato.gateway.servers.volumes;

import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The volume service as nova-api uses it for {@code os-volume_attachments}, with the caller's own token (so the
 * volume service decides which volumes the caller may use): read a volume, reserve it for an instance (an attachment
 * without a connector: the volume becomes {@code reserved}), and give a reservation back. Every call has the
 * {@code http.client.*} timeouts within {@code compute.lookup.timeout.ms}; the reservation, a POST that creates, is
 * made once. A volume service that fails answers the caller 503 naming it.
 */
public final class CinderAttachments {
  private static final String VERSION = "volume 3.44";
  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;
  private final ClientPolicy policy;

  public CinderAttachments(Vertx vertx, String baseUrl, ClientPolicy policy) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) policy.connectTimeoutMs())
        .setIdleTimeout(10));
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.policy = policy;
  }

  /** The volume as the caller sees it; 404 "Volume X could not be found." when it does not (another project's). */
  public Future<JsonObject> volume(String projectId, String volumeId, String token) {
    return call(HttpMethod.GET, "/v3/" + projectId + "/volumes/" + volumeId, token, null, policy).map(resp -> {
      if (resp.statusCode() == 404 || resp.statusCode() == 403) {
        throw ApiException.notFound("Volume " + volumeId + " could not be found.");
      }
      expect(resp, 200, "GET volume");
      return resp.bodyAsJsonObject().getJsonObject("volume");
    });
  }

  /** Reserves the volume for the instance; answers the attachment id. Cinder's 400 (not available) passes through. */
  public Future<String> reserve(String projectId, String volumeId, String instanceId, String token) {
    JsonObject body = new JsonObject().put("attachment", new JsonObject().put("volume_uuid", volumeId)
        .put("instance_uuid", instanceId));
    return call(HttpMethod.POST, "/v3/" + projectId + "/attachments", token, body, policy.once()).map(resp -> {
      if (resp.statusCode() == 400) throw ApiException.badRequest(message(resp));
      if (resp.statusCode() == 404) throw ApiException.notFound("Volume " + volumeId + " could not be found.");
      expect(resp, 200, "POST attachment");
      return resp.bodyAsJsonObject().getJsonObject("attachment").getString("id");
    });
  }

  /** Gives a reservation back (the volume is available again); one already gone is fine. */
  public Future<Void> release(String projectId, String attachmentId, String token) {
    return call(HttpMethod.DELETE, "/v3/" + projectId + "/attachments/" + attachmentId, token, null, policy)
        .map(resp -> {
          if (resp.statusCode() != 404) expect(resp, 200, "DELETE attachment");
          return null;
        });
  }

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, String token, JsonObject body,
      ClientPolicy p) {
    return p.run(vertx, timeout -> {
      var req = RequestContext.propagate(p.bound(client.requestAbs(method, baseUrl + path), timeout))
          .putHeader("X-Auth-Token", token).putHeader("OpenStack-API-Version", VERSION);
      return (body == null ? req.send() : req.sendJsonObject(body)).map(resp -> {
        if (resp.statusCode() >= 500) {
          throw new ApiException(503, "The volume service answered " + resp.statusCode() + " for " + method + " "
              + path);
        }
        return resp;
      });
    }, e -> e instanceof ApiException a ? a.status() == 503 : ClientPolicy.transportFailure(e))
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e
            : new ApiException(503, "The " + p.describe("volume", method + " " + path, e).substring(4))));
  }

  private static void expect(HttpResponse<Buffer> resp, int ok, String what) {
    if (resp.statusCode() != ok) {
      throw new ApiException(503, "The volume service answered " + resp.statusCode() + " for " + what);
    }
  }

  /** The message of Cinder's fault body ({@code {"badRequest": {"message": ...}}}). */
  private static String message(HttpResponse<Buffer> resp) {
    try {
      JsonObject body = resp.bodyAsJsonObject();
      for (String key : body.fieldNames()) {
        JsonObject fault = body.getJsonObject(key);
        if (fault != null && fault.getString("message") != null) return fault.getString("message");
      }
    } catch (RuntimeException ignored) {
      // not JSON: say what we know
    }
    return "Invalid volume: the volume service refused to reserve it.";
  }
}
