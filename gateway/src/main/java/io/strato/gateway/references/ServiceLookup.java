package io.strato.gateway.references;

import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * GETs a resource from another OpenStack service with the caller's own token, as nova-api does before it accepts a
 * boot: the service that owns the resource decides what the caller may see. Answers the resource, or null when the
 * service says it does not exist (or the caller may not see it: the two are the same answer, so nobody learns
 * whether another project's resource exists). A 5xx, a refused connection or no answer is asked again after a
 * back-off ({@code http.client.*}), all within {@code compute.lookup.timeout.ms}; then the caller gets a 503 naming
 * the service, never a hang.
 */
public final class ServiceLookup {
  private final Vertx vertx;
  private final WebClient client;
  private final String service;
  private final String baseUrl;
  private final ClientPolicy policy;

  public ServiceLookup(Vertx vertx, String service, String baseUrl, ClientPolicy policy) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, policy.clientOptions().setIdleTimeout(10), policy.poolOptions());
    this.service = service;
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.policy = policy;
  }

  /** The JSON body at {@code path}, or null for 404 (and 403, which some services answer for another's resource). */
  public Future<JsonObject> get(String path, String token, String microversion) {
    return policy.run(vertx, timeout -> attempt(path, token, microversion, timeout), ServiceLookup::retryable)
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e
            : new ApiException(503, "The " + policy.describe(service, "GET " + path, e).substring(4))))
        .map(resp -> {
          if (resp.statusCode() == 404 || resp.statusCode() == 403) return null;
          if (resp.statusCode() != 200) {
            throw new ApiException(503, "The " + service + " service answered " + resp.statusCode() + " for " + path);
          }
          return resp.bodyAsJsonObject();
        });
  }

  private Future<HttpResponse<Buffer>> attempt(String path, String token, String microversion, long timeout) {
    var req = RequestContext.propagate(policy.bound(client.getAbs(baseUrl + path), timeout))
        .putHeader("X-Auth-Token", token);
    if (microversion != null) req.putHeader("OpenStack-API-Version", microversion);
    return req.send().map(resp -> {
      if (resp.statusCode() >= 500) {
        throw new ApiException(503, "The " + service + " service answered " + resp.statusCode() + " for " + path
            + (policy.attempts() > 1 ? " (up to " + policy.attempts() + " attempts)" : ""));
      }
      return resp;
    });
  }

  private static boolean retryable(Throwable e) {
    return e instanceof ApiException ? ((ApiException) e).status() == 503 : ClientPolicy.transportFailure(e);
  }
}
