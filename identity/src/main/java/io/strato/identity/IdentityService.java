package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.config.Settings;
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
  private PasswordWorkers passwords;

  public IdentityService(IdentityConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    String baseUrl = config.publicUrl(config.port());
    Settings settings = config.settings();
    passwords = new PasswordWorkers(vertx, new PasswordHasher(config.passwordIterations()),
        settings.getInt("identity.password.workers"), settings.getInt("identity.password.queue"));
    return Database.open(vertx, settings, "keystone").compose(p -> {
      pool = p;
      Projects projects = new Projects(pool, baseUrl);
      Users users = new Users(pool, baseUrl);
      Roles roles = new Roles(pool, baseUrl);
      return SigningKeys.load(pool, config.signingKey(), settings.get("token.verify.key"))
          .compose(keys -> new Bootstrap(config, projects, users, roles, passwords).run().map(v -> keys))
          .compose(keys -> {
            TokenVerifier verifier = new TokenVerifier(vertx, settings, keys.publicKey()).start();
            readiness.require("revocation events", verifier::ready);
            AuthHandler auth = AuthHandler.anyToken(verifier);
            RevocationStore revocations = new RevocationStore(pool, config.tokenTtlSeconds(),
                settings.getInt("token.revocation.max.per.user"), verifier.revocations());
            PasswordLogin login = new PasswordLogin(users, passwords, loginThrottle(settings));
            Catalog catalog = new Catalog(settings);
            Router router = ServiceRouter.create(vertx, "identity", FaultFormat.IDENTITY, config.maxBodyBytes(),
                readiness);
            new DiscoveryApi(config, catalog, revocations, keys.publicKey(), auth).mount(router);
            ApplicationCredentials applicationCredentials = new ApplicationCredentials(pool);
            new TokenApi(new ApplicationCredentialLogin(applicationCredentials, users, passwords), config, users,
                projects, roles, revocations, verifier, login,
                new ClientAddress(settings.get("identity.trusted.proxies")), keys, catalog).mount(router);
            new ProjectApi(projects, users, roles, revocations, auth).mount(router);
            new UserApi(users, projects, revocations, passwords, auth).mount(router);
            new RoleApi(roles, revocations, auth).mount(router);
            new ApplicationCredentialApi(applicationCredentials, passwords, revocations, auth, baseUrl).mount(router);
            return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost()))
                .requestHandler(router).listen(config.port());
          });
    });
  }

  private static LoginThrottle loginThrottle(Settings s) {
    return new LoginThrottle(s.getInt("identity.lockout.failure.attempts"),
        s.getInt("identity.lockout.source.failure.attempts"), s.getLong("identity.lockout.duration.seconds"),
        s.getInt("identity.lockout.max.tracked"));
  }

  @Override
  public Future<?> stop() {
    Future<Void> workers = passwords == null ? Future.succeededFuture() : passwords.close();
    return workers.compose(v -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
