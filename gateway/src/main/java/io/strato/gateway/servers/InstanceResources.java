package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Set;

/**
 * Gives back, from the compute API, what an instance holds in the network and volume services, as its host's agent
 * would on a delete: the ports made for it are deleted and the caller's own ports unbound; every volume attachment is
 * deleted (the volume {@code available} again) and the volumes marked {@code delete_on_termination} deleted. Used
 * when the host is down and cannot do it (Nova's local delete). Every call is idempotent (a port or attachment
 * already gone is fine), so a delete that failed half-way can simply be asked for again.
 */
public final class InstanceResources {
  private static final String VOLUME_VERSION = "volume 3.44";
  private final Vertx vertx;
  private final WebClient client;
  private final String networkUrl;
  private final String volumeUrl;
  private final ClientPolicy policy;

  public InstanceResources(Vertx vertx, String networkUrl, String volumeUrl, ClientPolicy policy) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, policy.clientOptions().setIdleTimeout(10), policy.poolOptions());
    this.networkUrl = networkUrl.replaceAll("/+$", "");
    this.volumeUrl = volumeUrl.replaceAll("/+$", "");
    this.policy = policy;
  }

  /** Releases the instance's ports and volumes with the caller's token; fails (503) if a service cannot be reached. */
  public Future<Void> release(Instance i, String token, boolean admin) {
    return releasePorts(i, token, admin).compose(v -> releaseVolumes(i, token));
  }

  private Future<Void> releasePorts(Instance i, String token, boolean admin) {
    return call(networkUrl, HttpMethod.GET, "/v2.0/ports?device_id=" + i.id(), token, null, null, Set.of(200))
        .compose(resp -> {
          Future<Void> chain = Future.succeededFuture();
          for (Object o : resp.bodyAsJsonObject().getJsonArray("ports", new JsonArray())) {
            JsonObject port = (JsonObject) o;
            String path = "/v2.0/ports/" + port.getString("id");
            // The agent names the ports it makes after the instance (NetworkClient.portName); others are the user's.
            boolean made = port.getString("name", "").startsWith("instance-" + i.id() + "-");
            JsonObject unbound = new JsonObject().put("device_id", "").put("device_owner", "");
            if (admin) unbound.put("binding:host_id", "");
            chain = chain.compose(v -> (made
                ? call(networkUrl, HttpMethod.DELETE, path, token, null, null, Set.of(204, 404))
                : call(networkUrl, HttpMethod.PUT, path, token, new JsonObject().put("port", unbound), null,
                    Set.of(200, 404))).mapEmpty());
          }
          return chain;
        });
  }

  private Future<Void> releaseVolumes(Instance i, String token) {
    String project = "/v3/" + i.projectId();
    return call(volumeUrl, HttpMethod.GET, project + "/attachments?instance_id=" + i.id(), token, null,
        VOLUME_VERSION, Set.of(200)).compose(resp -> {
          Future<Void> chain = Future.succeededFuture();
          for (Object o : resp.bodyAsJsonObject().getJsonArray("attachments", new JsonArray())) {
            String attachment = ((JsonObject) o).getString("id");
            chain = chain.compose(v -> call(volumeUrl, HttpMethod.DELETE, project + "/attachments/" + attachment,
                token, null, VOLUME_VERSION, Set.of(200, 202, 204, 404)).mapEmpty());
          }
          for (Object o : i.volumesAttached()) {
            JsonObject volume = (JsonObject) o;
            if (!volume.getBoolean("delete_on_termination", false)) continue;
            chain = chain.compose(v -> call(volumeUrl, HttpMethod.DELETE, project + "/volumes/"
                + volume.getString("id"), token, null, VOLUME_VERSION, Set.of(202, 204, 404)).mapEmpty());
          }
          return chain;
        });
  }

  private Future<HttpResponse<Buffer>> call(String base, HttpMethod method, String path, String token,
      JsonObject body, String microversion, Set<Integer> expected) {
    String service = base.equals(networkUrl) ? "network" : "volume";
    ClientPolicy p = policy;
    return p.run(vertx, timeout -> {
      var req = RequestContext.propagate(p.bound(client.requestAbs(method, base + path), timeout))
          .putHeader("X-Auth-Token", token);
      if (microversion != null) req.putHeader("OpenStack-API-Version", microversion);
      return (body == null ? req.send() : req.sendJsonObject(body)).map(resp -> {
        if (!expected.contains(resp.statusCode())) {
          // 5xx is tried again; a refusal is not, and leaves the server as it was for the caller to see why.
          throw new ApiException(resp.statusCode() >= 500 ? 503 : 409, "The " + service + " service answered "
              + resp.statusCode() + " for " + method + " " + path);
        }
        return resp;
      });
    }, e -> e instanceof ApiException a ? a.status() == 503 : ClientPolicy.transportFailure(e))
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e
            : new ApiException(503, "The " + p.describe(service, method + " " + path, e).substring(4))));
  }
}
