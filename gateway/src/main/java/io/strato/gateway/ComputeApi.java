package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ClientPolicy;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.service.Readiness;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.aggregates.Aggregates;
import io.strato.gateway.aggregates.AggregatesApi;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.flavors.FlavorsApi;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.groups.ServerGroupsApi;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.keypairs.Keypairs;
import io.strato.gateway.keypairs.KeypairsApi;
import io.strato.gateway.quotas.Quotas;
import io.strato.gateway.quotas.QuotasApi;
import io.strato.gateway.references.BootReferences;
import io.strato.gateway.references.ServiceLookup;
import io.strato.gateway.servers.ConsoleOutput;
import io.strato.gateway.servers.CoreActions;
import io.strato.gateway.servers.DownHostDelete;
import io.strato.gateway.servers.InstanceResources;
import io.strato.gateway.servers.action.ActionRouter;
import io.strato.gateway.services.ComputeServices;
import io.strato.gateway.services.ServicesApi;
import io.strato.gateway.servers.InstanceEdit;
import io.strato.gateway.servers.Instances;
import io.strato.gateway.servers.ServerActions;
import io.strato.gateway.servers.resize.ResizeApi;
import io.strato.gateway.servers.resize.ServerResizes;
import io.strato.gateway.servers.ServerCreator;
import io.strato.gateway.servers.ServerMetadataApi;
import io.strato.gateway.servers.ServerTagsApi;
import io.strato.gateway.servers.ServersApi;
import io.strato.gateway.servers.UnsupportedActions;
import io.strato.gateway.servers.rebuild.ServerRebuildApi;
import io.strato.gateway.servers.volumes.CinderAttachments;
import io.strato.gateway.servers.volumes.VolumeAttachments;
import io.strato.gateway.servers.volumes.VolumeAttachmentsApi;
import io.strato.gateway.servers.snapshot.ServerSnapshotApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * One HTTP verticle of the compute API: Nova's v2.1 routes on {@code compute.port} (Vert.x spreads the port's
 * connections over the instances), with its own database connections on its own event loop, and its own create
 * writer, so creates group-commit per instance.
 */
final class ComputeApi extends VerticleBase {
  /** What every instance shares: configuration, the token verifier, the outbox relay and the caches. */
  record Shared(GatewayConfig config, TokenVerifier verifier, OutboxRelay relay, Readiness readiness, Flavors flavors,
      ImageLookup images) {}

  private final Shared shared;
  private Pool pool;

  ComputeApi(Shared shared) {
    this.shared = shared;
  }

  /** How the compute API calls image, network and volume: retries within {@code compute.lookup.timeout.ms}. */
  static ClientPolicy lookupPolicy(GatewayConfig config) {
    return ClientPolicy.from(config.settings()).withDeadline(config.settings().getLong("compute.lookup.timeout.ms"));
  }

  /** A server creator on {@code pool}, for this verticle's routes or for the batch consumer. */
  static ServerCreator creator(Vertx vertx, Pool pool, Shared shared) {
    GatewayConfig config = shared.config();
    ClientPolicy lookups = lookupPolicy(config);
    BootReferences references = new BootReferences(
        new ServiceLookup(vertx, "network", config.serviceUrl("network"), lookups),
        new ServiceLookup(vertx, "volume", config.serviceUrl("volume"), lookups), shared.images());
    return new ServerCreator(pool, config, shared.flavors(), new Keypairs(pool), new ServerGroups(pool),
        new Quotas(pool, config.quotas()), shared.images(), references, shared.relay());
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = shared.config();
    int instances = Math.max(1, config.settings().getInt("compute.verticle.instances") <= 0
        ? Runtime.getRuntime().availableProcessors() : config.settings().getInt("compute.verticle.instances"));
    pool = Database.pool(vertx, config.settings(), "nova",
        Math.max(2, config.settings().getInt("pg.pool.size") / instances));
    String baseUrl = config.baseUrl();
    Keypairs keypairs = new Keypairs(pool);
    ServerGroups groups = new ServerGroups(pool);
    Quotas quotas = new Quotas(pool, config.quotas());
    ServerActions actions = new ServerActions(pool, quotas, shared.relay());

    Router router = ServiceRouter.create(vertx, "compute", FaultFormat.COMPUTE, config.maxBodyBytes(),
        shared.readiness());
    new VersionsApi(baseUrl).mount(router);
    Router api = Router.router(vertx);
    api.route().handler(Microversion::handle).handler(AuthHandler.projectScoped(shared.verifier()));
    ActionRouter serverActions = new ActionRouter(pool);
    new CoreActions(actions, new ConsoleOutput(vertx, config.settings().get("compute.agent.url.template")))
        .register(serverActions);
    new ResizeApi(new ServerResizes(pool, shared.flavors(), quotas, shared.relay())).register(serverActions);
    new ServerSnapshotApi(vertx, pool, shared.relay(), config.imageUrl(), lookupPolicy(config)).register(serverActions);
    new ServerRebuildApi(pool, shared.relay(), shared.images(), keypairs, baseUrl).register(serverActions);
    ComputeServices services = new ComputeServices(pool, shared.relay(),
        config.settings().getLong("scheduler.service.down.time.seconds"));
    new UnsupportedActions(pool, services).register(serverActions);
    serverActions.mount(api);
    new DownHostDelete(pool, quotas, shared.relay(), new InstanceResources(vertx, config.serviceUrl("network"),
        config.serviceUrl("volume"), lookupPolicy(config)),
        config.settings().getLong("scheduler.service.down.time.seconds")).mount(api);
    new ServersApi(baseUrl, new Instances(pool), creator(vertx, pool, shared), actions, new InstanceActions(pool))
        .mount(api);
    Instances servers = new Instances(pool);
    InstanceEdit edit = new InstanceEdit(pool);
    new ServerMetadataApi(servers, edit).mount(api);
    new ServerTagsApi(baseUrl, servers, edit).mount(api);
    new VolumeAttachmentsApi(new VolumeAttachments(pool, new CinderAttachments(vertx, config.serviceUrl("volume"),
        lookupPolicy(config)), shared.relay())).mount(api);
    new FlavorsApi(shared.flavors(), baseUrl).mount(api);
    new KeypairsApi(vertx, keypairs, quotas).mount(api);
    new QuotasApi(quotas, keypairs, groups).mount(api);
    new ServerGroupsApi(groups, quotas).mount(api);
    HypervisorsApi hypervisors =
        new HypervisorsApi(pool, config.settings().getLong("scheduler.service.down.time.seconds"));
    hypervisors.mount(api);
    Aggregates aggregates = new Aggregates(pool, shared.relay());
    new AggregatesApi(aggregates).mount(api);
    new AvailabilityZonesApi(config.availabilityZones(), aggregates, hypervisors).mount(api);
    new ServicesApi(services).mount(api);
    router.route("/v2.1/*").subRouter(api);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
        .listen(config.port());
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
