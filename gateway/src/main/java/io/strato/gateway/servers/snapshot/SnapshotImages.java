package io.strato.gateway.servers.snapshot;

import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.strato.gateway.references.ServiceLookup;
import io.strato.gateway.servers.Instance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.Set;

/**
 * The image record of a snapshot, made in the image service with the caller's own token as nova-api does: so the
 * image belongs to the caller's project (the server's own, or an admin's, who then shares it as Nova does:
 * {@code visibility=shared} and {@code instance_owner}), and the image service's policy and quotas apply to it.
 * The image starts {@code queued}; the compute agent uploads its data.
 */
final class SnapshotImages {
  /** Never copied from the base image (Nova's non-inheritable properties, and what a snapshot sets itself). */
  private static final Set<String> NOT_INHERITED = Set.of("cache_in_nova", "bittorrent", "img_signature",
      "img_signature_hash_method", "img_signature_key_type", "img_signature_certificate_uuid", "instance_uuid",
      "image_type", "base_image_ref", "user_id", "instance_owner", "image_location", "image_state", "owner_id");
  /** Glance's own fields: never properties. */
  private static final Set<String> GLANCE_FIELDS = Set.of("id", "name", "status", "visibility", "container_format",
      "disk_format", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "owner", "protected",
      "os_hidden", "tags", "created_at", "updated_at", "file", "self", "schema", "locations", "direct_url",
      "min_disk", "min_ram", "stores");

  private final ServiceLookup lookup;
  private final WebClient client;
  private final String baseUrl;
  private final ClientPolicy policy;

  SnapshotImages(Vertx vertx, String baseUrl, ClientPolicy policy) {
    this.lookup = new ServiceLookup(vertx, "image", baseUrl, policy);
    this.client = WebClient.create(vertx, policy.clientOptions().setIdleTimeout(10), policy.poolOptions());
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.policy = policy;
  }

  /** Where the image is shown (the {@code Location} of the action's answer). */
  String location(String imageId) {
    return baseUrl + "/v2/images/" + imageId;
  }

  /**
   * Creates the snapshot's image record: the base image's inheritable properties, then Nova's snapshot properties,
   * then the request's metadata. Answers the new image's id; the image service's refusal is the caller's answer.
   */
  Future<String> create(Instance server, SnapshotRequest request, String userId, String callerProjectId,
      String token) {
    Future<JsonObject> base = server.imageId().isEmpty() ? Future.succeededFuture(null)
        : lookup.get("/v2/images/" + server.imageId(), token, null).recover(e -> Future.succeededFuture(null));
    return base.compose(image -> post(body(server, request, userId, callerProjectId, image), token));
  }

  private static JsonObject body(Instance server, SnapshotRequest request, String userId, String callerProjectId,
      JsonObject base) {
    JsonObject body = new JsonObject();
    if (base != null) {
      base.forEach(e -> {
        if (!GLANCE_FIELDS.contains(e.getKey()) && !NOT_INHERITED.contains(e.getKey())
            && e.getValue() instanceof String) {
          body.put(e.getKey(), e.getValue());
        }
      });
      for (String min : new String[] {"min_disk", "min_ram"}) {
        if (base.getValue(min) instanceof Integer n) body.put(min, n);
      }
    }
    body.put("name", request.name()).put("disk_format", "qcow2").put("container_format", "bare")
        .put("image_type", "snapshot").put("instance_uuid", server.id()).put("user_id", userId);
    if (!server.imageId().isEmpty()) body.put("base_image_ref", server.imageId());
    if (callerProjectId.equals(server.projectId())) {
      body.put("visibility", "private");
    } else {
      body.put("visibility", "shared").put("instance_owner", server.projectId());
    }
    for (Map.Entry<String, String> e : request.metadata().entrySet()) {
      if (!GLANCE_FIELDS.contains(e.getKey())) body.put(e.getKey(), e.getValue());
    }
    return body;
  }

  private Future<String> post(JsonObject body, String token) {
    // NOTE: sent once: a create whose answer is lost is not repeated (it would make a second image).
    return RequestContext.propagate(policy.bound(client.postAbs(baseUrl + "/v2/images"), policy.timeoutMs()))
        .putHeader("X-Auth-Token", token).sendJsonObject(body)
        .recover(e -> Future.failedFuture(new ApiException(503, "The " + policy.once().describe("image",
            "POST /v2/images", e).substring(4))))
        .map(resp -> {
          if (resp.statusCode() == 201) return resp.bodyAsJsonObject().getString("id");
          if (resp.statusCode() == 413) throw new ApiException(413, "Quota exceeded for images: " + message(resp));
          if (resp.statusCode() == 403) throw ApiException.forbidden("Not authorized for image: " + message(resp));
          if (resp.statusCode() == 400) throw ApiException.badRequest(message(resp));
          throw new ApiException(503, "The image service answered " + resp.statusCode() + " for POST /v2/images");
        });
  }

  /** Deletes an image record this action made, when the action cannot go on (best effort: a queued image). */
  Future<Void> delete(String imageId, String token) {
    return RequestContext.propagate(policy.bound(client.deleteAbs(baseUrl + "/v2/images/" + imageId),
            policy.timeoutMs())).putHeader("X-Auth-Token", token).send().<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private static String message(io.vertx.ext.web.client.HttpResponse<?> resp) {
    try {
      JsonObject fault = resp.bodyAsJsonObject();
      for (String k : fault.fieldNames()) {
        if (fault.getValue(k) instanceof JsonObject f && f.getString("message") != null) return f.getString("message");
      }
    } catch (RuntimeException ignored) {
      // not JSON: the status says enough
    }
    return "HTTP " + resp.statusCode();
  }
}
