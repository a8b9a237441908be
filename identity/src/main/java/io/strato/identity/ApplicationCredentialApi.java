package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;

/**
 * {@code /v3/users/{user_id}/application_credentials}: a user creates credentials for itself with a project-scoped
 * token (the credential's project), with the token's roles or a subset of them, an optional expiry and a secret it
 * gives or gets generated (shown once); it lists, shows and deletes its own (an admin those of any user). Deleting
 * one revokes every token got with it. A token got with a restricted credential may not manage credentials (403).
 */
final class ApplicationCredentialApi {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> FIELDS = Set.of("name", "description", "secret", "expires_at", "roles",
      "unrestricted", "access_rules");
  private final ApplicationCredentials credentials;
  private final PasswordWorkers secrets;
  private final RevocationStore revocations;
  private final AuthHandler auth;
  private final String baseUrl;

  ApplicationCredentialApi(ApplicationCredentials credentials, PasswordWorkers secrets, RevocationStore revocations,
      AuthHandler auth, String baseUrl) {
    this.credentials = credentials;
    this.secrets = secrets;
    this.revocations = revocations;
    this.auth = auth;
    this.baseUrl = baseUrl;
  }

  void mount(Router router) {
    String base = "/v3/users/:user_id/application_credentials";
    router.post(base).handler(auth).handler(this::create);
    router.get(base).handler(auth).handler(this::list);
    router.get(base + "/:id").handler(auth).handler(this::show);
    router.delete(base + "/:id").handler(auth).handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String userId = ctx.pathParam("user_id");
    if (!token.userId().equals(userId)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action:"
          + " identity:create_application_credential.");
    }
    JsonObject body = Replies.body(ctx, "application_credential");
    Fields.onlyKnown(body, "application_credential", FIELDS);
    String name = Fields.requiredString(body, "name", 255);
    String description = Fields.optionalString(body, "description", 65535);
    String given = Fields.optionalString(body, "secret", 4096);
    if (given != null && given.isEmpty()) throw ApiException.badRequest("'secret' must not be empty.");
    boolean unrestricted = Boolean.TRUE.equals(Fields.optionalBoolean(body, "unrestricted"));
    OffsetDateTime expiresAt = expiry(Fields.optionalString(body, "expires_at", 64));
    JsonArray accessRules = Fields.optionalArray(body, "access_rules");
    if (accessRules != null && !accessRules.isEmpty()) {
      throw ApiException.badRequest("Access rules are not supported by this cloud.");
    }
    if (!token.scoped()) {
      throw ApiException.forbidden("Application credentials can only be created with a project-scoped token.");
    }
    JsonArray roles = roles(Fields.optionalArray(body, "roles"), token);
    String secret = given != null ? given : newSecret();
    mayManage(token)
        .compose(v -> secrets.hash(secret))
        .compose(hash -> credentials.create(new ApplicationCredentials.Credential(Ids.newId(), name, userId,
            token.projectId(), description, hash, roles, unrestricted, expiresAt, Ids.newId().substring(0, 22))))
        .onSuccess(c -> Replies.json(ctx, 201, new JsonObject().put("application_credential",
            view(c).put("secret", secret))))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String userId = self(ctx, "identity:list_application_credentials");
    credentials.list(userId, ctx.queryParams().get("name")).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(c -> out.add(view(c)));
      Replies.json(ctx, 200, new JsonObject().put("application_credentials", out).put("links", new JsonObject()
          .put("self", baseUrl + ctx.request().path()).put("previous", null).put("next", null)));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String userId = self(ctx, "identity:get_application_credential");
    credentials.get(userId, ctx.pathParam("id"))
        .onSuccess(c -> Replies.json(ctx, 200, new JsonObject().put("application_credential", view(c))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String userId = self(ctx, "identity:delete_application_credential");
    Token token = AuthHandler.token(ctx);
    mayManage(token).compose(v -> credentials.get(userId, ctx.pathParam("id")))
        .compose(c -> credentials.delete(userId, c.id()).compose(v -> revocations.revokeToken(c.auditId(), userId)))
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  /** The user in the path: the caller itself, or any for an admin. */
  private static String self(RoutingContext ctx, String action) {
    String userId = ctx.pathParam("user_id");
    Policy.requireAdminOrSelf(AuthHandler.token(ctx), userId, action);
    return userId;
  }

  /** A token got with a restricted application credential cannot make or delete credentials (Keystone's rule). */
  private Future<Void> mayManage(Token token) {
    if (!token.methods().contains(ApplicationCredentialLogin.METHOD)) return Future.succeededFuture();
    return credentials.byAuditId(token.auditChainId()).map(c -> {
      if (c == null || !c.unrestricted()) {
        throw ApiException.forbidden("Using method 'application_credential' is not allowed for managing additional"
            + " application credentials.");
      }
      return null;
    });
  }

  /** The roles asked for (by id or name), each one the token has; all the token's roles when none are asked for. */
  private static JsonArray roles(JsonArray asked, Token token) {
    JsonArray out = new JsonArray();
    if (asked == null || asked.isEmpty()) {
      token.roles().forEach(r -> out.add(new JsonObject().put("id", r.id()).put("name", r.name())));
      return out;
    }
    for (Object o : asked) {
      if (!(o instanceof JsonObject role) || (role.getString("id") == null && role.getString("name") == null)) {
        throw ApiException.badRequest("Each role must be an object with an 'id' or a 'name'.");
      }
      Token.Role held = token.roles().stream()
          .filter(r -> r.id().equals(role.getString("id")) || r.name().equals(role.getString("name")))
          .findFirst().orElseThrow(() -> ApiException.notFound("Could not find role assignment with role: "
              + (role.getString("id") != null ? role.getString("id") : role.getString("name")) + ", user or group: "
              + token.userId() + ", project, domain, or system: " + token.projectId() + "."));
      if (out.stream().noneMatch(r -> ((JsonObject) r).getString("id").equals(held.id()))) {
        out.add(new JsonObject().put("id", held.id()).put("name", held.name()));
      }
    }
    return out;
  }

  private static OffsetDateTime expiry(String text) {
    if (text == null) return null;
    OffsetDateTime at;
    try {
      at = text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$") ? OffsetDateTime.parse(text)
          : java.time.LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("Invalid input for field 'expires_at': '" + text + "' is not a date-time.");
    }
    if (at.isBefore(OffsetDateTime.now())) {
      throw ApiException.badRequest("The 'expires_at' must not be before now.");
    }
    return at;
  }

  private static String newSecret() {
    byte[] bytes = new byte[64];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private JsonObject view(ApplicationCredentials.Credential c) {
    JsonArray roles = new JsonArray();
    c.roles().forEach(r -> roles.add(((JsonObject) r).copy().putNull("domain_id")));
    return new JsonObject().put("id", c.id()).put("name", c.name()).put("description", c.description())
        .put("user_id", c.userId()).put("project_id", c.projectId()).put("roles", roles)
        .put("unrestricted", c.unrestricted()).put("access_rules", new JsonArray())
        .put("expires_at", c.expiresAt() == null ? null : Timestamps.iso(c.expiresAt().toInstant()))
        .put("links", new JsonObject().put("self", baseUrl + "/v3/users/" + c.userId() + "/application_credentials/"
            + c.id()));
  }
}
