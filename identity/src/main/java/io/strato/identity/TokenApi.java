package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.auth.TokenCodec;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * {@code /v3/auth/tokens}: issue (password, token or application credential method), validate, check and revoke
 * tokens. A token got with the {@code token} method never outlives its parent and belongs to its parent's audit chain,
 * so revoking the parent revokes it too. A token got with an application credential is scoped to the credential's
 * project with the credential's roles (401 when its user no longer has one of them there), never outlives the
 * credential, and belongs to the credential's audit chain, so deleting the credential revokes it.
 */
final class TokenApi {
  private final IdentityConfig config;
  private final Users users;
  private final Projects projects;
  private final Roles roles;
  private final RevocationStore revocationStore;
  private final TokenVerifier verifier;
  private final PasswordLogin passwordLogin;
  private final ClientAddress clientAddress;
  private final SigningKeys.Pair keys;
  private final Catalog catalog;
  private final ApplicationCredentialLogin applicationCredentialLogin;

  TokenApi(ApplicationCredentialLogin applicationCredentialLogin, IdentityConfig config, Users users, Projects projects, Roles roles, RevocationStore revocationStore,
      TokenVerifier verifier, PasswordLogin passwordLogin, ClientAddress clientAddress, SigningKeys.Pair keys,
      Catalog catalog) {
    this.applicationCredentialLogin = applicationCredentialLogin;
    this.config = config;
    this.users = users;
    this.projects = projects;
    this.roles = roles;
    this.revocationStore = revocationStore;
    this.verifier = verifier;
    this.passwordLogin = passwordLogin;
    this.clientAddress = clientAddress;
    this.keys = keys;
    this.catalog = catalog;
  }

  void mount(Router router) {
    AuthHandler auth = AuthHandler.anyToken(verifier);
    router.post("/v3/auth/tokens").handler(this::issue);
    router.get("/v3/auth/tokens").handler(auth).handler(this::validate);
    router.head("/v3/auth/tokens").handler(auth).handler(this::check);
    router.delete("/v3/auth/tokens").handler(auth).handler(this::revoke);
    router.get("/v3/auth/catalog").handler(auth).handler(this::ownCatalog);
    router.get("/v3/auth/projects").handler(auth).handler(this::ownProjects);
  }

  /** What a successful authentication established: the user, and the token it came from (token method). */
  private record Authenticated(Users.Credentials user, List<String> methods, Token parent,
      ApplicationCredentials.Credential credential) {
    Authenticated(Users.Credentials user, List<String> methods, Token parent) {
      this(user, methods, parent, null);
    }
  }

  private void issue(RoutingContext ctx) {
    JsonObject auth = Replies.body(ctx, "auth");
    JsonObject identity = Fields.optionalObject(auth, "identity");
    if (identity == null) throw ApiException.badRequest("'identity' is a required property.");
    ScopeRequest scope = ScopeRequest.parse(auth.getValue("scope"));
    authenticate(identity, clientAddress.of(ctx))
        .compose(who -> scopeFor(who, scope).compose(project -> mint(who, project)))
        .onSuccess(issued -> {
          ctx.response().putHeader("X-Subject-Token", issued.wire());
          JsonObject body = body(issued.token(), !"true".equals(ctx.queryParams().get("nocatalog")));
          if (issued.credential() != null) {
            body.getJsonObject("token").put("application_credential", new JsonObject()
                .put("id", issued.credential().id()).put("name", issued.credential().name())
                .put("restricted", !issued.credential().unrestricted()));
          }
          Replies.json(ctx, 201, body);
        })
        .onFailure(ctx::fail);
  }

  private Future<Authenticated> authenticate(JsonObject identity, String source) {
    JsonArray methods = Fields.optionalArray(identity, "methods");
    if (methods == null || methods.isEmpty()) throw ApiException.badRequest("'methods' is a required property.");
    if (methods.contains("password")) {
      return passwordLogin.authenticate(Fields.optionalObject(identity, "password"), source)
          .map(c -> new Authenticated(c, List.of("password"), null));
    }
    if (methods.contains("token")) return token(Fields.optionalObject(identity, "token"));
    if (methods.contains(ApplicationCredentialLogin.METHOD)) {
      return applicationCredentialLogin.authenticate(Fields.optionalObject(identity, ApplicationCredentialLogin.METHOD))
          .map(login -> new Authenticated(login.user(), List.of(ApplicationCredentialLogin.METHOD), null,
              login.credential()));
    }
    throw ApiException.unauthorized("Attempted to authenticate with an unsupported method: " + methods.encode());
  }

  private Future<Authenticated> token(JsonObject token) {
    String wire = token == null ? null : Fields.optionalString(token, "id", 8192);
    Token existing = verifier.verify(wire);
    if (existing.methods().contains(ApplicationCredentialLogin.METHOD)) {
      throw ApiException.unauthorized("A token got with an application credential cannot be used to get another.");
    }
    return users.credentials(existing.userId(), null, null, null).map(c -> {
      if (!c.enabled()) throw ApiException.unauthorized("The request you have made requires authentication.");
      return new Authenticated(c, List.of("token"), existing);
    });
  }

  /** The project to scope to: the one asked for, else the user's default project, else none (unscoped). */
  private Future<JsonObject> scopeFor(Authenticated who, ScopeRequest scope) {
    if (who.credential() != null) {
      if (scope.kind() != ScopeRequest.Kind.DEFAULT_PROJECT) {
        throw ApiException.unauthorized("An application credential is scoped to its own project; ask for no scope.");
      }
      return projects.get(who.credential().projectId()).map(p -> {
        if (!p.getBoolean("enabled")) throw ApiException.unauthorized("The project is disabled.");
        return p;
      });
    }
    if (scope.kind() == ScopeRequest.Kind.UNSCOPED) return Future.succeededFuture(null);
    if (scope.kind() == ScopeRequest.Kind.DEFAULT_PROJECT) {
      return users.get(who.user().id()).compose(u -> {
        String defaultProject = u.getString("default_project_id");
        if (defaultProject == null) return Future.succeededFuture(null);
        return projects.get(defaultProject).compose(p -> roles.onProject(who.user().id(), p.getString("id"))
            .map(r -> r.isEmpty() || !p.getBoolean("enabled") ? null : p))
            .recover(e -> Future.succeededFuture(null));
      });
    }
    JsonObject project = scope.project();
    String id = Fields.optionalString(project, "id", 64);
    Future<JsonObject> found;
    if (id != null) {
      found = projects.get(id);
    } else {
      String name = Fields.requiredString(project, "name", 255);
      JsonObject domain = Fields.optionalObject(project, "domain");
      if (domain == null) throw ApiException.badRequest("A project named in the scope needs a 'domain'.");
      String domainId = Fields.optionalString(domain, "id", 64);
      String domainName = Fields.optionalString(domain, "name", 255);
      found = projects.byName(name, domainId != null ? domainId : "Default".equals(domainName) ? "default" : domainName);
    }
    return found.recover(e -> Future.failedFuture(ApiException.unauthorized(
        "The request you have made requires authentication (no such project).")))
        .map(p -> {
          if (!p.getBoolean("enabled")) throw ApiException.unauthorized("The project is disabled.");
          return p;
        });
  }

  private record Issued(Token token, String wire, ApplicationCredentials.Credential credential) {}

  private Future<Issued> mint(Authenticated who, JsonObject project) {
    Future<List<Token.Role>> roleList = project == null
        ? Future.succeededFuture(List.of()) : roles.onProject(who.user().id(), project.getString("id"));
    return roleList.map(held -> {
      List<Token.Role> r = who.credential() == null ? held : credentialRoles(who.credential(), held);
      if (project != null && r.isEmpty()) {
        throw ApiException.unauthorized("User " + who.user().id() + " has no access to project "
            + project.getString("id") + ".");
      }
      long now = System.currentTimeMillis();
      long expires = now + config.tokenTtlSeconds() * 1000;
      String auditId = auditId();
      String chain = auditId;
      if (who.parent() != null) {
        expires = Math.min(expires, who.parent().expiresAtMillis());
        chain = who.parent().auditChainId();
      }
      if (who.credential() != null) {
        chain = who.credential().auditId();
        if (who.credential().expiresAt() != null) {
          expires = Math.min(expires, who.credential().expiresAt().toInstant().toEpochMilli());
        }
      }
      Token t = new Token(who.user().id(), who.user().name(), who.user().domainId(),
          project == null ? null : project.getString("id"), project == null ? null : project.getString("name"),
          project == null ? null : project.getString("domain_id"), r, who.methods(), now, expires, auditId, chain);
      return new Issued(t, TokenCodec.sign(t, keys.privateKey()), who.credential());
    });
  }

  /** The credential's roles, each of which its user must still hold on the project (401 otherwise). */
  private static List<Token.Role> credentialRoles(ApplicationCredentials.Credential c, List<Token.Role> held) {
    List<Token.Role> wanted = c.tokenRoles();
    for (Token.Role role : wanted) {
      if (held.stream().noneMatch(h -> h.id().equals(role.id()))) throw ApplicationCredentialLogin.refused();
    }
    return wanted;
  }

  private static String auditId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 22);
  }

  private JsonObject body(Token t, boolean withCatalog) {
    JsonObject token = new JsonObject().put("methods", new JsonArray(t.methods()))
        .put("user", new JsonObject().put("id", t.userId()).put("name", t.userName())
            .put("domain", domain(t.userDomainId())).put("password_expires_at", null))
        .put("audit_ids", t.auditChainId().equals(t.auditId()) ? new JsonArray().add(t.auditId())
            : new JsonArray().add(t.auditId()).add(t.auditChainId()))
        .put("issued_at", Timestamps.iso(t.issuedAtMillis()))
        .put("expires_at", Timestamps.iso(t.expiresAtMillis()));
    if (t.scoped()) {
      JsonArray roleList = new JsonArray();
      t.roles().forEach(r -> roleList.add(new JsonObject().put("id", r.id()).put("name", r.name())));
      token.put("project", new JsonObject().put("id", t.projectId()).put("name", t.projectName())
          .put("domain", domain(t.projectDomainId()))).put("is_domain", false).put("roles", roleList);
      if (withCatalog) token.put("catalog", catalog.forProject(t.projectId()));
    }
    return new JsonObject().put("token", token);
  }

  private static JsonObject domain(String id) {
    return new JsonObject().put("id", id).put("name", "default".equals(id) ? "Default" : id);
  }

  /** The subject token, checked like any other (401 caller errors stay 401; a bad subject is 404). */
  private Token subject(RoutingContext ctx) {
    try {
      return verifier.verify(ctx.request().getHeader("X-Subject-Token"));
    } catch (ApiException e) {
      throw ApiException.notFound("Could not find token: " + ctx.request().getHeader("X-Subject-Token") + ".");
    }
  }

  private void validate(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    Token subject = subject(ctx);
    Policy.requireAdminOrSelf(caller, subject.userId(), "identity:validate_token");
    ctx.response().putHeader("X-Subject-Token", ctx.request().getHeader("X-Subject-Token"));
    Replies.json(ctx, 200, body(subject, !"true".equals(ctx.queryParams().get("nocatalog"))));
  }

  private void check(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    Token subject = subject(ctx);
    Policy.requireAdminOrSelf(caller, subject.userId(), "identity:check_token");
    ctx.response().setStatusCode(200).end();
  }

  private void revoke(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    Token subject = subject(ctx);
    Policy.requireAdminOrSelf(caller, subject.userId(), "identity:revoke_token");
    revocationStore.revokeToken(subject.auditId(), subject.userId())
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void ownCatalog(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    if (!caller.scoped()) throw ApiException.forbidden("An unscoped token has no catalog.");
    Replies.json(ctx, 200, new JsonObject().put("catalog", catalog.forProject(caller.projectId())));
  }

  private void ownProjects(RoutingContext ctx) {
    projects.forUser(AuthHandler.token(ctx).userId())
        .onSuccess(list -> Replies.json(ctx, 200, new JsonObject().put("projects", new JsonArray(list))))
        .onFailure(ctx::fail);
  }
}
