package io.strato.agent.clients;

import io.strato.common.auth.AuthHandler;
import io.strato.common.config.Settings;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The agent's own identity: it logs in as the service user ({@code service.*} keys, like Nova's service user; role
 * {@code service}, not admin), keeps the project-scoped token and its catalog, and logs in again shortly before the
 * token expires. Calls about an instance's resources act for the instance's project ({@link #request}). Every call has
 * the timeouts of {@code http.client.*}; idempotent ones are retried with a back-off ({@link #call}).
 */
public final class ServiceSession {
  private final Vertx vertx;
  private final WebClient http;
  private final Settings settings;
  private final ClientPolicy policy;
  private String token;
  private JsonArray catalog = new JsonArray();
  private long expiresAtMillis;
  private Future<String> pending;

  public ServiceSession(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.policy = ClientPolicy.from(settings);
    this.http = policy.client(vertx);
    this.settings = settings;
  }

  /**
   * One call to {@code service} with a valid token ({@link #authorized}): attempted again after a back-off while it
   * times out, cannot connect or gets a 5xx, when it is {@code idempotent}, up to {@code http.client.attempts}. A call
   * that fails for good fails with a {@link ServiceCall.ServiceException} naming the service and what was asked.
   */
  public <T> Future<T> call(String service, String what, boolean idempotent, Function<String, Future<T>> attempt) {
    ClientPolicy p = idempotent ? policy : policy.once();
    return p.run(vertx, timeout -> authorized(attempt), ServiceSession::retryable)
        .recover(e -> Future.failedFuture(ServiceCall.named(p, service, what, e)));
  }

  private static boolean retryable(Throwable e) {
    return e instanceof ServiceCall.ServiceException se ? se.status >= 500 : ClientPolicy.transportFailure(e);
  }

  /**
   * A request as the service user acting for {@code projectId}, carrying the id of the request it serves (the boot's,
   * from its assignment) as the global request id (its member rights, nothing more: the service checks
   * ownership and visibility as if the project had asked), or as the service user itself when it is null.
   */
  public HttpRequest<Buffer> request(HttpMethod method, String url, String token, String projectId) {
    HttpRequest<Buffer> req = RequestContext.propagate(policy.bound(http.requestAbs(method, url), policy.timeoutMs()))
        .putHeader("X-Auth-Token", token);
    if (projectId != null) req.putHeader(AuthHandler.ON_BEHALF_OF, projectId);
    return req;
  }

  /**
   * Runs {@code call} with a valid token; when a service answers 401 (the token was revoked: a role of the service
   * user removed, its tokens revoked), forgets that token, logs in again and runs {@code call} once more.
   */
  public <T> Future<T> authorized(Function<String, Future<T>> call) {
    return token().compose(t -> call.apply(t).recover(e -> {
      if (!(e instanceof ServiceCall.ServiceException se) || se.status != 401) return Future.failedFuture(e);
      forget(t);
      return token().compose(call);
    }));
  }

  /** Drops {@code rejected} if it is still the token in use, so the next {@link #token()} logs in. */
  private synchronized void forget(String rejected) {
    if (rejected.equals(token)) token = null;
  }

  /** A valid token, logging in when there is none or it expires within five minutes. */
  public synchronized Future<String> token() {
    if (token != null && System.currentTimeMillis() < expiresAtMillis - 300_000) return Future.succeededFuture(token);
    if (pending == null) {
      pending = login().eventually(() -> {
        synchronized (this) {
          pending = null;
        }
        return Future.succeededFuture();
      });
    }
    return pending;
  }

  private Future<String> login() {
    JsonObject body = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject().put("name", settings.get("service.user"))
                .put("domain", new JsonObject().put("id", "default")).put("password", settings.get("service.password")))))
        .put("scope", new JsonObject().put("project", new JsonObject().put("name", settings.get("service.project"))
            .put("domain", new JsonObject().put("id", "default")))));
    String url = settings.get("identity.url") + "/v3/auth/tokens";
    return policy.bound(http.postAbs(url), policy.timeoutMs()).sendJsonObject(body).recover(e -> Future.failedFuture(
        ServiceCall.named(policy.once(), "identity", "POST " + url, e))).map(resp -> {
      if (resp.statusCode() != 201) {
        throw new IllegalStateException("the agent cannot log in as " + settings.get("service.user") + ": HTTP "
            + resp.statusCode() + " " + resp.bodyAsString());
      }
      JsonObject t = resp.bodyAsJsonObject().getJsonObject("token");
      synchronized (this) {
        token = resp.getHeader("X-Subject-Token");
        catalog = t.getJsonArray("catalog", new JsonArray());
        expiresAtMillis = Instant.parse(t.getString("expires_at")).toEpochMilli();
        return token;
      }
    });
  }

  /** The public URL of a service type ({@code image}, {@code network}, {@code volumev3}) if the catalog lists it. */
  public synchronized Optional<String> endpoint(String type) {
    for (Object o : catalog) {
      JsonObject s = (JsonObject) o;
      if (!type.equals(s.getString("type"))) continue;
      for (Object e : s.getJsonArray("endpoints")) {
        JsonObject ep = (JsonObject) e;
        if ("public".equals(ep.getString("interface"))) return Optional.of(ep.getString("url").replaceAll("/+$", ""));
      }
    }
    return Optional.empty();
  }
}
