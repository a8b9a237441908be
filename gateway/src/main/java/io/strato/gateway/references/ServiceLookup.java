package io.strato.gateway.references;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * GETs a resource from another OpenStack service with the caller's own token, as nova-api does before it accepts a
 * boot: the service that owns the resource decides what the caller may see. Answers the resource, or null when the
 * service says it does not exist (or the caller may not see it: the two are the same answer, so nobody learns
 * whether another project's resource exists). Any other answer, or none within the timeout, is a 503.
 */
public final class ServiceLookup {
  private final WebClient client;
  private final String service;
  private final String baseUrl;
  private final long timeoutMillis;

  public ServiceLookup(Vertx vertx, String service, String baseUrl, long timeoutMillis) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(10));
    this.service = service;
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.timeoutMillis = timeoutMillis;
  }

  /** The JSON body at {@code path}, or null for 404 (and 403, which some services answer for another's resource). */
  public Future<JsonObject> get(String path, String token, String microversion) {
    var req = client.getAbs(baseUrl + path).putHeader("X-Auth-Token", token).timeout(timeoutMillis);
    if (microversion != null) req.putHeader("OpenStack-API-Version", microversion);
    return req.send()
        .recover(e -> Future.failedFuture(new ApiException(503, "The " + service + " service is unavailable: "
            + e.getMessage())))
        .map(resp -> {
          if (resp.statusCode() == 404 || resp.statusCode() == 403) return null;
          if (resp.statusCode() != 200) {
            throw new ApiException(503, "The " + service + " service answered " + resp.statusCode() + " for " + path);
          }
          return resp.bodyAsJsonObject();
        });
  }
}
