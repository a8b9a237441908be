package io.strato.conductor;

import io.strato.common.db.Database;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;

/**
 * The conductor: migrates {@code nova}, applies instance updates from Kafka, records the hosts' reports, ends stuck
 * builds; health on its port.
 */
public final class ConductorService extends VerticleBase {
  private final ConductorConfig config;
  private final Readiness readiness = new Readiness();
  private Pool pool;
  private volatile boolean consuming;
  private volatile UpdateConsumer updates;

  public ConductorService(ConductorConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    readiness.require("instance update consumer", () -> consuming && updates != null && updates.alive());
    var router = ServiceRouter.create(vertx, "conductor", FaultFormat.COMPUTE, config.maxBodyBytes(), readiness);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
        .listen(config.port())
        .compose(http -> TopicCreator.ensure(vertx, config.settings()))
        .compose(v -> Database.open(vertx, config.settings(), "nova"))
        .compose(p -> {
          pool = p;
          // The conductor's notifications go through the nova outbox; it relays them itself, without waiting for a
          // compute API process to do it.
          OutboxRelay relay = new OutboxRelay(pool, config.settings(), "conductor");
          updates = new UpdateConsumer(config.settings(), new InstanceStates(pool), relay);
          return vertx.deployVerticle(relay).compose(r -> vertx.deployVerticle(updates))
              .compose(r -> vertx.deployVerticle(new DeadLetterConsumer(config.settings(), pool, relay)));
        })
        .compose(id -> vertx.deployVerticle(new HostRecorder(config.settings(), pool)))
        .compose(id -> vertx.deployVerticle(new BuildReconciler(pool, config.buildTimeout(),
            config.reconcileInterval())))
        .onSuccess(id -> consuming = true);
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
