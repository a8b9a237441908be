package io.strato.scheduler.service;

import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.service.Readiness;
import io.strato.scheduler.PlacementLedger;
import io.strato.scheduler.Scheduler;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostStateStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler service: serves {@code /healthz}, {@code /readyz} and {@code /metrics} on {@code scheduler.port},
 * makes sure the topics exist, opens the host state and placement files, then deploys one worker verticle per
 * concern: the host state feed ({@link HostStateConsumer}), the boot request pipeline ({@link BootRequestConsumer})
 * and the periodic index refresh ({@link IndexRefresher}).
 *
 * <p>Ready once the map is open and the host state topic has been replayed up to where it was at start-up; boot
 * requests are taken only from then on.
 */
public final class SchedulerService extends VerticleBase {
    private final SchedulerServiceConfig config;
    private final Clock clock;
    private final Readiness readiness = new Readiness();
    private final List<String> deployments = new ArrayList<>();
    private HostStateStore store;
    private PlacementLedger ledger;
    private volatile Scheduler scheduler;
    private volatile HostStateConsumer hostState;
    private volatile BootRequestConsumer bootRequests;

    public SchedulerService(SchedulerServiceConfig config) {
        this(config, Clock.systemUTC());
    }

    public SchedulerService(SchedulerServiceConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        readiness.require("host state map open", () -> scheduler != null);
        readiness.require("host state replayed from strato.host-state",
                () -> hostState != null && hostState.caughtUp().succeeded());
        readiness.require("boot request consumer polling", () -> bootRequests != null && bootRequests.alive());
        return serve()
                .compose(v -> TopicCreator.ensure(vertx, config.settings()))
                .compose(v -> vertx.executeBlocking(this::openState))
                .compose(this::deployConsumers);
    }

    @Override
    public Future<?> stop() {
        // Children first, so nothing touches the maps once they are closed.
        return Future.join(deployments.stream().map(id -> vertx.undeploy(id).recover(e -> Future.succeededFuture()))
                        .toList())
                .compose(v -> vertx.executeBlocking(() -> {
                    if (ledger != null) {
                        ledger.close();
                    }
                    if (store != null) {
                        store.close();
                    }
                    return null;
                }));
    }

    /** The stored state of {@code host}, as the last report and the claims since made it (diagnostics and tests). */
    public Optional<HostState> hostState(String host) {
        return store == null ? Optional.empty() : store.get(host);
    }

    private Future<Void> serve() {
        var router = ServiceRouter.create(vertx, "scheduler", FaultFormat.COMPUTE,
                config.settings().getLong("http.max.body.bytes"), readiness);
        return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
                .listen(config.port()).mapEmpty();
    }

    /** Blocking: creating a Chronicle Map compiles code (about 2 s); loading the index reads every host. */
    private Scheduler openState() {
        store = HostStateStore.open(config.mapFile(), config.maxHosts(), config.decisions().inFlightClaimTtl(), clock);
        ledger = PlacementLedger.open(config.ledgerFile(), config.maxPlacements());
        Scheduler opened = new Scheduler(config.decisions(), store, ledger, config.maxHosts(), clock);
        scheduler = opened;
        return opened;
    }

    private Future<Void> deployConsumers(Scheduler opened) {
        SchedulerMetrics metrics = new SchedulerMetrics(opened);
        Cancellations cancellations = new Cancellations(
                config.settings().getLong("kafka.cancellations.retention.ms"), clock);
        HostStateConsumer feed = new HostStateConsumer(config.settings(), opened, metrics, cancellations);
        hostState = feed;
        BootRequestConsumer requests = new BootRequestConsumer(config, opened, metrics, feed.caughtUp(),
                cancellations);
        bootRequests = requests;
        return deployWorker(feed)
                .compose(v -> deployWorker(requests))
                .compose(v -> deployWorker(new IndexRefresher(opened, config.refreshInterval())))
                .compose(v -> deployWorker(new ClaimReleaser(config.settings(), config.consumerGroup() + "-releases-"
                    + java.util.UUID.randomUUID(), opened)));
    }

    private Future<Void> deployWorker(VerticleBase verticle) {
        return vertx.deployVerticle(verticle, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                .onSuccess(deployments::add).mapEmpty();
    }
}
