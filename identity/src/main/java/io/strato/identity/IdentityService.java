package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** The identity service: migrates {@code keystone}, bootstraps, then serves the Keystone v3 API. */
public final class IdentityService extends VerticleBase {
  private final IdentityConfig config;
  private final Readiness readiness = new Readiness();
  private Pool pool;

  public IdentityService(IdentityConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    String baseUrl = config.publicUrl(config.port());
    return Database.open(vertx, config.settings(), "keystone").compose(p -> {
      pool = p;
      Projects projects = new Projects(pool, baseUrl);
      Users users = new Users(pool, baseUrl);
      Roles roles = new Roles(pool, baseUrl);
      RevocationStore revocations = new RevocationStore(pool);
      PasswordHasher hasher = new PasswordHasher(config.passwordIterations());
      return SigningKeys.load(pool, config.signingKey(), config.settings().get("token.verify.key"))
          .compose(keys -> new Bootstrap(vertx, config, projects, users, roles, hasher).run().map(v -> keys))
          .compose(keys -> {
            TokenVerifier verifier = new TokenVerifier(vertx, config.settings(), keys.publicKey()).start();
            readiness.require("revocation events", verifier::ready);
            AuthHandler auth = AuthHandler.anyToken(verifier);
            Catalog catalog = new Catalog(config.settings());
            Router router = ServiceRouter.create(vertx, "identity", FaultFormat.IDENTITY, config.maxBodyBytes(),
                readiness);
            new DiscoveryApi(config, catalog, revocations, keys.publicKey(), auth).mount(router);
            new TokenApi(vertx, config, users, projects, roles, revocations, verifier, hasher, keys, catalog)
                .mount(router);
            new ProjectApi(projects, users, roles, auth).mount(router);
            new UserApi(vertx, users, projects, revocations, verifier, hasher, auth).mount(router);
            new RoleApi(roles, auth).mount(router);
            return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost()))
                .requestHandler(router).listen(config.port());
          });
    });
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
