package io.strato.gateway.keypairs;

import io.strato.common.http.ApiVersion;
import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code /os-keypairs}: import a public key, or have one generated (the private key is shown once). */
public final class KeypairsApi {
  private final Vertx vertx;
  private final Keypairs keypairs;
  private final Quotas quotas;

  public KeypairsApi(Vertx vertx, Keypairs keypairs, Quotas quotas) {
    this.vertx = vertx;
    this.keypairs = keypairs;
    this.quotas = quotas;
  }

  public void mount(Router api) {
    api.get("/os-keypairs").handler(this::list);
    api.post("/os-keypairs").handler(this::create);
    api.get("/os-keypairs/:name").handler(this::show);
    api.delete("/os-keypairs/:name").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    boolean withType = Microversion.of(ctx).atLeast(2);
    keypairs.list(owner(ctx)).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(k -> out.add(new JsonObject().put("keypair", brief(k, withType))));
      Replies.json(ctx, 200, new JsonObject().put("keypairs", out));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    keypairs.get(owner(ctx), ctx.pathParam("name")).onSuccess(k -> {
      JsonObject view = brief(k, Microversion.of(ctx).atLeast(2)).put("user_id", k.getString("user_id"))
          .put("id", k.getLong("id")).put("created_at", k.getString("created_at")).put("deleted", false)
          .put("deleted_at", null).put("updated_at", null);
      Replies.json(ctx, 200, new JsonObject().put("keypair", view));
    }).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-keypairs:create");
    ApiVersion version = Microversion.of(ctx);
    JsonObject body = Replies.body(ctx, "keypair");
    Fields.onlyKnown(body, "keypair", version.atLeast(10) ? Set.of("name", "public_key", "type", "user_id")
        : version.atLeast(2) ? Set.of("name", "public_key", "type") : Set.of("name", "public_key"));
    String name = Fields.requiredString(body, "name", 255);
    if (!name.matches("[\\w\\-. @]+") || name.isBlank()) {
      throw ApiException.badRequest("Keypair name contains unsafe characters");
    }
    String type = version.atLeast(2) && body.getValue("type") != null ? Fields.optionalString(body, "type", 8) : "ssh";
    if (!type.equals("ssh") && !type.equals("x509")) {
      throw ApiException.badRequest("Invalid input for field 'type': '" + type + "' is not one of ['ssh', 'x509'].");
    }
    String imported = Fields.optionalString(body, "public_key", 16384);
    Future<SshKeys.Generated> key = imported != null
        ? Future.succeededFuture(new SshKeys.Generated(imported.trim(), null, SshKeys.fingerprint(imported)))
        : vertx.executeBlocking(() -> SshKeys.generate("Generated-by-Strato"));
    key.compose(k -> quotas.limitsFor(token.projectId()).compose(limits -> keypairs.create(token.userId(), name, type,
            k.publicKey(), k.fingerprint(), limits.keyPairs()))
        .map(created -> {
          JsonObject view = brief(created, version.atLeast(2)).put("user_id", token.userId());
          if (k.privateKey() != null) view.put("private_key", k.privateKey());
          return view;
        }))
        .onSuccess(view -> Replies.json(ctx, version.atLeast(2) ? 201 : 200, new JsonObject().put("keypair", view)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    ComputePolicy.requireMember(AuthHandler.token(ctx), "os_compute_api:os-keypairs:delete");
    keypairs.delete(owner(ctx), ctx.pathParam("name"))
        .onSuccess(v -> ctx.response().setStatusCode(Microversion.of(ctx).atLeast(2) ? 204 : 202).end())
        .onFailure(ctx::fail);
  }

  /** Admins may act for another user with {@code ?user_id=} (2.10); everyone else is themselves. */
  private static String owner(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String asked = ctx.queryParams().get("user_id");
    if (asked == null || asked.equals(token.userId())) return token.userId();
    if (!Microversion.of(ctx).atLeast(10)) return token.userId();
    ComputePolicy.requireAdmin(token, "os_compute_api:os-keypairs:index");
    return asked;
  }

  private static JsonObject brief(JsonObject k, boolean withType) {
    JsonObject v = new JsonObject().put("name", k.getString("name")).put("public_key", k.getString("public_key"))
        .put("fingerprint", k.getString("fingerprint"));
    if (withType) v.put("type", k.getString("type"));
    return v;
  }
}
