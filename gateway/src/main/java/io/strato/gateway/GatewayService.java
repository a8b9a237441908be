package io.strato.gateway;

import io.strato.common.auth.MetadataSignature;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.db.Database;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ClientPolicy;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.service.Readiness;
import io.strato.gateway.batches.BatchConfig;
import io.strato.gateway.batches.BatchConsumer;
import io.strato.gateway.batches.BatchLedger;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.metadata.MetadataApi;
import io.strato.gateway.references.ServiceLookup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/**
 * The compute API: migrates {@code nova}, makes sure the Kafka topics exist, starts the outbox relay, then serves
 * Nova's v2.1 API on {@code compute.port} from {@code compute.verticle.instances} HTTP verticles (0: one per core, each
 * on its own event loop with its own database connections, sharing the port and the flavor and image caches), and
 * boots the batches of {@code strato.boot-batches} through the same path; Nova's metadata API listens on
 * {@code metadata.port} for the compute agents' metadata proxies.
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
    long ttl = config.settings().getLong("compute.cache.ttl.ms");
    ClientPolicy lookups = ComputeApi.lookupPolicy(config);
    ImageLookup images = new ImageLookup(new ServiceLookup(vertx, "image", config.imageUrl(), lookups), ttl);
    ComputeApi.Shared shared = new ComputeApi.Shared(config, verifier, relay, readiness, new Flavors(pool, ttl), images);
    int instances = config.settings().getInt("compute.verticle.instances");
    if (instances <= 0) instances = Runtime.getRuntime().availableProcessors();
    return vertx.deployVerticle(() -> new ComputeApi(shared), new DeploymentOptions().setInstances(instances))
        .compose(id -> {
          BatchConsumer consumer = new BatchConsumer(config.settings(), BatchConfig.from(config.settings()), verifier,
              new BatchLedger(pool), ComputeApi.creator(vertx, pool, shared), relay);
          readiness.require("boot batch consumer", consumer::alive);
          return vertx.deployVerticle(consumer);
        })
        .compose(id -> vertx.deployVerticle(new MetadataApi(pool, config.settings().get(MetadataSignature.SECRET_SETTING),
            config.bindHost(), config.settings().getInt("metadata.port"), config.maxBodyBytes())));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
