package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.strato.agent.clients.ImageClient;
import io.strato.agent.clients.NetworkClient;
import io.strato.agent.clients.ServiceSession;
import io.strato.agent.clients.VolumeClient;
import io.strato.agent.hypervisor.HypervisorDriver;
import io.strato.agent.hypervisor.LibvirtDriver;
import io.strato.agent.hypervisor.LibvirtReconnect;
import io.strato.common.auth.TokenVerifier;
import io.strato.common.disk.DiskInspector;
import io.strato.common.disk.InspectionLimits;
import io.strato.common.http.FaultFormat;
import io.strato.common.http.ServiceRouter;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.service.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute agent process: one or (fleet mode) many hosts. Every host's orders are on {@code strato.assignments},
 * keyed by host; this process reads only the partitions its hosts' orders land on (assigned, not subscribed: see
 * {@link AssignmentPartitions}), handles the orders of its own hosts and skips the others. All hosts share one
 * consumer, one producer and one service session. Messages of one instance run in order; different instances run
 * side by side, within bounds per partition and per process. Each order's offset, and each skipped one's, is
 * committed once it is done (at-least-once; builds and actions are idempotent).
 */
public final class AgentService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);
  private final AgentConfig config;
  private final Readiness readiness = new Readiness();
  private final Map<String, AgentHost> byHost = new LinkedHashMap<>();
  private final List<HypervisorDriver> drivers = new ArrayList<>();
  private PollLoop loop;
  private volatile boolean consuming;

  public AgentService(AgentConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    long pollBound = KafkaSettings.maxPollIntervalMs(config.settings());
    readiness.require("assignment consumer", () -> consuming && loop.alive(pollBound));
    var router = ServiceRouter.create(vertx, "compute-agent", FaultFormat.COMPUTE, config.maxBodyBytes(), readiness);
    ServiceSession session = new ServiceSession(vertx, config.settings());
    TokenVerifier verifier = new TokenVerifier(vertx, config.settings()).start();
    ComputeClient compute = new ComputeClient(session);
    new ConsoleApi(vertx, verifier, compute,
        id -> config.instanceDir(id).resolve("console.log")).mount(router);
    ImageClient images = new ImageClient(vertx, session);
    ImageCache cache = new ImageCache(vertx, images, config.stateDir().resolve("images"),
        new DiskInspector(vertx, InspectionLimits.from(config.settings())));
    NetworkClient network = new NetworkClient(session);
    VolumeClient volumes = new VolumeClient(vertx, session);
    KafkaProducer<String, String> producer =
        KafkaProducer.create(vertx, KafkaSettings.producer(config.settings(), "strato-agent-" + config.host()));
    Publisher publisher = new Publisher(producer);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.bindHost())).requestHandler(router)
        .listen(config.port())
        .compose(http -> TopicCreator.ensure(vertx, config.settings()))
        .compose(v -> loginWithRetry(session, 30))
        .compose(v -> startHosts(publisher, images, cache, network, volumes, compute))
        .compose(v -> consume())
        .onSuccess(v -> {
          consuming = true;
          // NOTE: ticks at half the interval, so a host that skipped a tick (it had just reported) still reports
          // at least once per interval.
          long interval = config.reportInterval().toMillis();
          vertx.setPeriodic(Math.max(1, interval / 2), t -> byHost.values().forEach(h -> h.heartbeat(interval / 2)));
          LOG.info("compute agent serving {} host(s): {}", byHost.size(), byHost.size() > 3
              ? byHost.values().iterator().next().name + " ..." : byHost.values().stream().map(h -> h.name).toList());
        });
  }

  /** Identity may still be starting (the all-in-one starts everything at once): retry the first login a while. */
  private Future<Void> loginWithRetry(ServiceSession session, int attemptsLeft) {
    return session.token().<Void>mapEmpty().recover(e -> {
      if (attemptsLeft <= 1) return Future.failedFuture(e);
      Promise<Void> later = Promise.promise();
      vertx.setTimer(1000, t -> loginWithRetry(session, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  private Future<Void> startHosts(Publisher publisher, ImageClient images, ImageCache cache, NetworkClient network,
      VolumeClient volumes, ComputeClient compute) {
    Future<Void> chain = Future.succeededFuture();
    for (String name : config.hostNames()) {
      LibvirtDriver driver = new LibvirtDriver(vertx, config.libvirtUri(), config.stateDir(),
          LibvirtReconnect.from(config.settings()));
      drivers.add(driver);
      chain = chain.compose(v -> driver.hostFacts()).compose(facts -> {
        AgentHost host = new AgentHost(vertx, config, name, driver, facts, publisher, images, cache, network, volumes,
            compute);
        byHost.put(name, host);
        // libvirtd restarted: it may have lost domains (a test driver forgets them all) or kept them; look again.
        driver.onReconnect(() -> {
          LOG.info("{}: libvirt is back; reconciling its domains with the compute API", name);
          Reconciler.reconcile(host, compute).compose(v -> host.report());
        });
        return Reconciler.reconcile(host, compute).compose(v -> host.report());
      });
    }
    return chain;
  }

  private Future<Void> consume() {
    String group = "strato-agent-" + config.host();
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx,
        KafkaSettings.consumer(config.settings(), group));
    return AssignmentPartitions.assign(vertx, consumer, byHost.keySet()).onSuccess(partitions -> {
      // NOTE: PollLoop bounds work per partition; a partition may hold several of our hosts (fleet mode), so its
      // bound is agent.concurrency.per.host times the most hosts of ours on one partition (exact for one host).
      int perHost = config.settings().getInt("agent.concurrency.per.host");
      int total = config.settings().getInt("agent.concurrency");
      int perPartition = (int) Math.min(total, (long) perHost * partitions.mostHostsOnOnePartition());
      loop = new PollLoop(vertx, consumer, group, config.settings(), this::dispatch)
          .orderedBy(r -> r.key() + "/" + instanceOf(r))
          .concurrency(perPartition, total);
      loop.start();
    }).mapEmpty();
  }

  /**
   * One order for the host it is keyed by; an order for a host this process does not serve is skipped (it is done,
   * and committed past: another agent, in its own group, reads it). Orders of one instance run one after the other; other instances'
   * orders, and other hosts', run beside them (up to {@code agent.concurrency.per.host} per host and
   * {@code agent.concurrency} in all), so a slow build holds up nothing but its own instance's later orders.
   * An order that does not parse or validate goes to strato.dead-letters (its instance then ends in ERROR); a build
   * or action that fails after that has already reported its outcome, and is not run again.
   */
  private Future<Void> dispatch(KafkaConsumerRecord<String, String> r) {
    AgentHost host = r.key() == null ? null : byHost.get(r.key());
    if (host == null) {
      if (r.key() == null) LOG.warn("order {}-{}@{} names no host, skipped", r.topic(), r.partition(), r.offset());
      return Future.succeededFuture();
    }
    Object order = AgentHost.order(r.value());
    return host.handle(order).recover(e -> {
      if (e instanceof PoisonRecord) return Future.failedFuture(e);
      LOG.error("{}: handling {} failed: {}", host.name, order.getClass().getSimpleName(), e.toString());
      return Future.succeededFuture();
    });
  }

  /** The instance an order is about (orders are keyed by host, so the body says). */
  private static String instanceOf(KafkaConsumerRecord<String, String> r) {
    try {
      return String.valueOf(new JsonObject(r.value()).getValue("instance_id"));
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Override
  public Future<?> stop() {
    Future<Void> stopped = loop == null ? Future.succeededFuture() : loop.stop();
    return stopped.eventually(() -> vertx.executeBlocking(() -> {
      drivers.forEach(HypervisorDriver::close);
      return null;
    }));
  }
}
