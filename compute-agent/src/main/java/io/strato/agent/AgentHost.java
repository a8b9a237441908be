package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.strato.agent.clients.ImageClient;
import io.strato.agent.clients.NetworkClient;
import io.strato.agent.clients.VolumeClient;
import io.strato.agent.hypervisor.HostFacts;
import io.strato.agent.hypervisor.HypervisorDriver;
import io.strato.agent.net.NetworkPlumber;
import io.strato.agent.net.Plumbing;
import io.strato.agent.rebuild.Rebuilder;
import io.strato.agent.snapshot.Snapshotter;
import io.strato.common.config.Settings;
import io.strato.common.disk.DiskConverter;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.HostStateReport;
import io.strato.common.messages.ResizeOrder;
import io.strato.common.messages.ServerAction;
import io.strato.common.messages.RebuildOrder;
import io.strato.common.messages.VolumeOrder;
import io.strato.common.messages.SnapshotOrder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hypervisor as the agent sees it: its driver, its own resource account, the instances it made, and what it
 * tells the scheduler. An agent process has one (or, in fleet mode, many simulated ones).
 */
final class AgentHost {
  private static final Logger LOG = LoggerFactory.getLogger(AgentHost.class);
  final String name;
  final HypervisorDriver driver;
  final ResourceTracker tracker;
  final Publisher publisher;
  final ImageClient images;
  final ImageCache cache;
  final NetworkClient network;
  final VolumeClient volumes;
  final ComputeClient compute;
  final NetworkPlumber plumber;
  final ConfigDrive configDrive;
  final Map<String, InstanceRecord> records = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final AgentConfig config;
  private final HostFacts facts;
  private final Builder builder;
  private final ServerActions actions;
  private final ResizeSteps resizes;
  final VolumeOrders volumeOrders;
  private final Snapshotter snapshots;
  private final Rebuilder rebuilds;
  private boolean reportPending;
  private long lastReportMillis;

  AgentHost(Vertx vertx, AgentConfig config, String name, HypervisorDriver driver, HostFacts facts,
      Publisher publisher, ImageClient images, ImageCache cache, NetworkClient network, VolumeClient volumes,
      ComputeClient compute) {
    this.vertx = vertx;
    this.config = config;
    this.name = name;
    this.driver = driver;
    this.facts = facts;
    this.tracker = new ResourceTracker(config, facts);
    this.publisher = publisher;
    this.images = images;
    this.cache = cache;
    this.network = network;
    this.volumes = volumes;
    this.compute = compute;
    this.plumber = Plumbing.from(vertx, config.settings(), network, name, config.stateDir(), config.fleetSize());
    this.configDrive = new ConfigDrive(vertx, config.settings());
    this.builder = new Builder(this);
    this.actions = new ServerActions(this);
    this.resizes = new ResizeSteps(this);
    this.volumeOrders = new VolumeOrders(this);
    this.snapshots = new Snapshotter(vertx, name, driver, compute, images, publisher,
        new DiskConverter(vertx, config.settings()), config::instanceDir, config.stateDir().resolve("snapshots"));
    this.rebuilds = new Rebuilder(vertx, name, driver, compute, cache, publisher, config::instanceDir);
  }

  Vertx vertx() {
    return vertx;
  }

  AgentConfig config() {
    return config;
  }

  Settings settings() {
    return config.settings();
  }

  Path instanceDir(String id) {
    return config.instanceDir(id);
  }

  /**
   * The cached copy of an image by id as {@code projectId} may see it, or null for none (kernel and ramdisk of direct
   * kernel boot).
   */
  Future<Path> cachedImage(String projectId, String imageId) {
    if (imageId == null || imageId.isBlank()) return Future.succeededFuture(null);
    return cache.fetch(projectId, imageId).map(ImageCache.Cached::path);
  }

  /**
   * One order from this host's assignment topic, read and validated at the edge: an {@link Assignment}, a
   * {@link ServerAction}, a resize, rebuild, volume or snapshot order, whose {@code instance_id} is a UUID.
   * Whatever fails here (not JSON, an unknown type, a wrong type, a missing field, a non-UUID instance id) is a
   * {@link PoisonRecord}, before any side effect.
   */
  static Object order(String value) {
    return PoisonRecord.parsed(() -> {
      JsonObject message = PoisonRecord.json(value);
      String type = message.getString("type", "");
      Object order = switch (type) {
        case Assignment.TYPE -> Assignment.fromJson(message);
        case ServerAction.TYPE -> ServerAction.fromJson(message);
        case ResizeOrder.TYPE -> ResizeOrder.fromJson(message);
        case RebuildOrder.TYPE -> RebuildOrder.fromJson(message);
        case VolumeOrder.TYPE -> VolumeOrder.fromJson(message);
        case SnapshotOrder.TYPE -> SnapshotOrder.fromJson(message);
        default -> throw new PoisonRecord("an order of unknown type '" + type + "'");
      };
      PoisonRecord.uuid("instance_id", message.getString("instance_id"));
      return order;
    });
  }

  /** Carries out an order {@link #order} read. */
  Future<Void> handle(Object order) {
    if (order instanceof Assignment a) return builder.build(a);
    if (order instanceof ResizeOrder resize) return resizes.handle(resize);
    if (order instanceof RebuildOrder rebuild) return rebuilds.handle(rebuild);
    if (order instanceof VolumeOrder volume) return volumeOrders.handle(volume);
    if (order instanceof SnapshotOrder snapshot) return snapshots.handle(snapshot);
    return actions.handle((ServerAction) order);
  }

  /**
   * Undoes what was made for an instance; every part is tried even if another fails. Volumes are detached; they are
   * deleted when {@code delete_on_termination} says so, and after a failed build also when the build created them.
   */
  Future<Void> cleanup(InstanceRecord rec, boolean failedBuild) {
    Future<Void> domain = !rec.domainDefined ? Future.succeededFuture()
        : driver.destroy(rec.id).recover(e -> logged("destroy domain " + rec.id, e));
    Future<Void> disk = vertx.fileSystem().deleteRecursive(instanceDir(rec.id).toString())
        .recover(e -> Future.succeededFuture());
    // Unplugged once the domain is gone (its tap with it), so a network's last port can take its bridge along.
    Future<Void> ports = domain;
    for (JsonObject p : rec.ports) {
      String id = p.getString("id");
      ports = ports.compose(v -> plumber.unplug(rec.projectId, InstanceRecord.plumbed(p))
          .recover(e -> logged("unplug port " + id, e)))
          .compose(v -> (p.getBoolean("created") ? network.deletePort(rec.projectId, id)
          : network.unbindPort(rec.projectId, id))
          .recover(e -> logged("release port " + id, e)));
    }
    Future<Void> vols = Future.succeededFuture();
    for (JsonObject v : rec.volumes) {
      String id = v.getString("id");
      String attachment = v.getString("attachment_id");
      vols = vols.compose(x -> (attachment == null ? Future.<Void>succeededFuture()
              : volumes.detach(rec.projectId, attachment))
          .compose(y -> (failedBuild && v.getBoolean("created")) || v.getBoolean("delete_on_termination")
              ? volumes.delete(rec.projectId, id) : Future.succeededFuture())
          .recover(e -> logged("release volume " + id, e)));
    }
    return Future.join(domain, disk, ports, vols).mapEmpty();
  }

  /** Once the instance's domain runs: its ports' taps are up on their networks' bridges. */
  Future<Void> wire(InstanceRecord rec) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject p : rec.ports) chain = chain.compose(v -> plumber.wire(InstanceRecord.plumbed(p)));
    return chain;
  }

  private static Future<Void> logged(String what, Throwable e) {
    LOG.warn("cleanup: could not {}: {}", what, e.toString());
    return Future.succeededFuture();
  }

  /**
   * Something changed: report once {@code agent.report.coalesce.ms} has passed, with the state as it is then, so a
   * host sends at most one report per window however many builds start and end in it (the scheduler keeps its own
   * claims meanwhile, so a later report costs no placement).
   */
  void changed() {
    if (reportPending) return;
    reportPending = true;
    vertx.setTimer(Math.max(1, config.settings().getLong("agent.report.coalesce.ms")), t -> {
      reportPending = false;
      report();
    });
  }

  /** The heartbeat: a report, unless one went out within the last {@code intervalMillis} or one is due anyway. */
  void heartbeat(long intervalMillis) {
    if (reportPending || System.currentTimeMillis() - lastReportMillis < intervalMillis) return;
    report();
  }

  Future<Void> report() {
    lastReportMillis = System.currentTimeMillis();
    HostStateReport r = new HostStateReport(HostStateReport.VERSION, null, name, System.currentTimeMillis(), true,
        config.availabilityZone(), facts.hypervisorType(), facts.hypervisorVersion(), facts.architecture(), List.of(),
        tracker.vcpus(), tracker.memory(), tracker.disk(), tracker.instanceIds().size(), tracker.building(),
        tracker.recentFailures(), tracker.instanceIds());
    return publisher.report(r).onFailure(e -> LOG.warn("{}: host state report failed: {}", name, e.toString()));
  }
}
