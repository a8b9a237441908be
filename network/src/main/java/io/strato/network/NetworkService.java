package io.strato.network;

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

/**
 * The network service: migrates {@code neutron}, serves the Neutron v2.0 API on {@code network.port}, and (when
 * {@code network.bootstrap.private.cidr} is set) creates the shared {@code private} network once.
 */
public final class NetworkService extends VerticleBase {
  private static final long BOOTSTRAP_RETRY_MS = 2000;
  private final NetworkConfig config;
  private final Readiness readiness = new Readiness();
  private Pool pool;

  public NetworkService(NetworkConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    TokenVerifier verifier = new TokenVerifier(vertx, config.settings()).start();
    readiness.require("token verification key and revocations", verifier::ready);
    return Database.open(vertx, config.settings(), "neutron").compose(p -> {
      pool = p;
      NetworkQuotas quotas = new NetworkQuotas(pool, config.settings());
      Networks networks = new Networks(pool, quotas);
      Subnets subnets = new Subnets(pool, quotas);
      SecurityGroups groups = new SecurityGroups(pool, quotas);
      Ports ports = new Ports(pool, quotas, subnets, new IpAllocator(), config.macPrefix());
      NetworkBootstrap bootstrap = new NetworkBootstrap(vertx, config, pool, networks, subnets);
      readiness.require("the '" + NetworkBootstrap.NETWORK + "' network", bootstrap::done);

      Router router = ServiceRouter.create(vertx, "network", FaultFormat.NETWORK, config.maxBodyBytes(), readiness);
      Discovery discovery = new Discovery(config.baseUrl());
      discovery.mountPublic(router);
      router.route("/v2.0/*").handler(AuthHandler.projectScoped(verifier));
      discovery.mount(router);
      new NetworksApi(networks, config.mtu()).mount(router);
      new SubnetsApi(networks, subnets).mount(router);
      new PortsApi(networks, ports, groups).mount(router);
      new SecurityGroupsApi(groups).mount(router);
      new QuotasApi(quotas).mount(router);
      return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
          .listen(config.port())
          .onSuccess(server -> bootstrap.start(BOOTSTRAP_RETRY_MS));
    });
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
