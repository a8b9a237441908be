package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.http.ClientPolicy;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.service.Readiness;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.batches.BatchConfig;
import io.strato.gateway.batches.BatchConsumer;
import io.strato.gateway.batches.BatchLedger;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.flavors.FlavorsApi;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.groups.ServerGroupsApi;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.references.BootReferences;
import io.strato.gateway.references.ServiceLookup;
import io.strato.gateway.keypairs.Keypairs;
import io.strato.gateway.keypairs.KeypairsApi;
import io.strato.common.db.OutboxRelay;
import io.strato.gateway.quotas.Quotas;
import io.strato.gateway.quotas.QuotasApi;
import io.strato.gateway.servers.ConsoleOutput;
import io.strato.gateway.servers.Instances;
import io.strato.gateway.servers.ServerActions;
import io.strato.gateway.servers.ServerCreator;
import io.strato.gateway.servers.ServersApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * The compute API: migrates {@code nova}, makes sure the Kafka topics exist, starts the outbox relay, then serves
 * Nova's v2.1 API on {@code compute.port} and boots the batches of {@code strato.boot-batches} through the same path.
 */
public final class GatewayService extends VerticleBase {
  private final GatewayConfig config;
  private final boolean relayOutbox;
  private final Readiness readiness = new Readiness();
  private Pool pool;

  public GatewayService(GatewayConfig config) {
    this(config, true);
  }

  /** {@code relayOutbox} false leaves boot requests in the outbox (a test stands in for a crashed gateway). */
  public GatewayService(GatewayConfig config, boolean relayOutbox) {
    this.config = config;
    this.relayOutbox = relayOutbox;
  }

  @Override
  public Future<?> start() {
    TokenVerifier verifier = new TokenVerifier(vertx, config.settings()).start();
    readiness.require("token verification key and revocations", verifier::ready);
    return TopicCreator.ensure(vertx, config.settings())
        .compose(v -> Database.open(vertx, config.settings(), "nova"))
        .compose(p -> {
          pool = p;
          OutboxRelay relay = new OutboxRelay(pool, config.settings(), "gateway");
          Future<?> relayStarted = relayOutbox ? vertx.deployVerticle(relay) : Future.succeededFuture();
          return relayStarted.compose(v -> serve(verifier, relayOutbox ? relay : null));
        });
  }

  private Future<?> serve(TokenVerifier verifier, OutboxRelay relay) {
    String baseUrl = config.baseUrl();
    Flavors flavors = new Flavors(pool);
    Keypairs keypairs = new Keypairs(pool);
    ServerGroups groups = new ServerGroups(pool);
    Quotas quotas = new Quotas(pool, config.quotas());
    InstanceActions instanceActions = new InstanceActions(pool);
    ClientPolicy lookups = ClientPolicy.from(config.settings())
        .withDeadline(config.settings().getLong("compute.lookup.timeout.ms"));
    ServiceLookup imageLookup = new ServiceLookup(vertx, "image", config.imageUrl(), lookups);
    BootReferences references = new BootReferences(
        new ServiceLookup(vertx, "network", config.serviceUrl("network"), lookups),
        new ServiceLookup(vertx, "volume", config.serviceUrl("volume"), lookups), imageLookup);
    ServerCreator creator = new ServerCreator(pool, config, flavors, keypairs, groups, quotas,
        new ImageLookup(imageLookup), references, relay);
    ServerActions actions = new ServerActions(pool, quotas, relay);

    Router router = ServiceRouter.create(vertx, "compute", FaultFormat.COMPUTE, config.maxBodyBytes(), readiness);
    new VersionsApi(baseUrl).mount(router);
    Router api = Router.router(vertx);
    api.route().handler(Microversion::handle).handler(AuthHandler.projectScoped(verifier));
    new ServersApi(baseUrl, new Instances(pool), creator, actions, instanceActions,
        new ConsoleOutput(vertx, config.settings().get("compute.agent.url.template"))).mount(api);
    new FlavorsApi(flavors, baseUrl).mount(api);
    new KeypairsApi(vertx, keypairs, quotas).mount(api);
    new QuotasApi(quotas, keypairs, groups).mount(api);
    new ServerGroupsApi(groups, quotas).mount(api);
    HypervisorsApi hypervisors =
        new HypervisorsApi(pool, config.settings().getLong("scheduler.service.down.time.seconds"));
    hypervisors.mount(api);
    new AvailabilityZonesApi(config.availabilityZones(), hypervisors).mount(api);
    router.route("/v2.1/*").subRouter(api);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
        .listen(config.port())
        .compose(http -> {
          BatchConsumer consumer = new BatchConsumer(config.settings(), BatchConfig.from(config.settings()), verifier,
              new BatchLedger(pool), creator, relay);
          readiness.require("boot batch consumer", consumer::alive);
          return vertx.deployVerticle(consumer);
        });
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
