package io.strato.launcher;

import io.strato.agent.AgentConfig;
import io.strato.agent.AgentService;
import io.strato.common.config.Settings;
import io.strato.common.service.StratoVertx;
import io.strato.conductor.ConductorConfig;
import io.strato.conductor.ConductorService;
import io.strato.embedded.EmbeddedKafka;
import io.strato.embedded.EmbeddedPostgresServer;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.GatewayService;
import io.strato.identity.IdentityConfig;
import io.strato.identity.IdentityService;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.network.NetworkConfig;
import io.strato.network.NetworkService;
import io.strato.scheduler.service.SchedulerService;
import io.strato.scheduler.service.SchedulerServiceConfig;
import io.strato.volume.VolumeConfig;
import io.strato.volume.VolumeService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cloud on one machine: a real Kafka broker and a real PostgreSQL (embedded, data under
 * {@code aio.data.dir}, unless {@code STRATO_KAFKA_BOOTSTRAP} / {@code STRATO_PG_URI} name external ones), and every
 * service in one JVM, each talking to the others only over HTTP and Kafka as it would across machines.
 */
public final class AllInOne implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);
  /** The services running here, as the identity catalog lists them. */
  static final String CATALOG = "identity,compute,image,network,volume";
  /** The shared network every project can boot on, like devstack's "private". */
  static final String PRIVATE_NETWORK_CIDR = "10.0.0.0/22";

  private final List<AutoCloseable> infrastructure = new ArrayList<>();
  private Vertx vertx;
  private ProcessCloud processes;
  private Settings settings;
  private final Progress progress = new Progress(System.err);

  /** {@code --processes}: every service in its own OS process instead of this JVM ({@link ProcessCloud}). */
  public static void main(String[] args) throws Exception {
    boolean separate = java.util.Arrays.asList(args).contains("--processes");
    AllInOne cloud = new AllInOne(separate);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping Strato");
      cloud.close();
      stopped.countDown();
    }));
    try {
      Settings settings = Settings.load();
      LogFile.attach(Path.of(settings.get("aio.data.dir")).toAbsolutePath().resolve("logs").resolve("all-in-one.log"));
      cloud.start(settings, System.getenv());
    } catch (StartupProblem e) {
      System.err.println("strato: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      LOG.error("Strato failed to start", e);
      System.exit(1);
    }
    cloud.printWelcome();
    stopped.await();
  }

  private final boolean separateProcesses;

  public AllInOne() {
    this(false);
  }

  /** {@code separateProcesses}: each service runs as its own OS process (logs under aio.data.dir/logs). */
  public AllInOne(boolean separateProcesses) {
    this.separateProcesses = separateProcesses;
  }

  /** Starts everything; completes when every API serves. */
  public Settings start(Settings base, Map<String, String> env) throws Exception {
    PortsInUse.check(base, env);
    Path dataDir = Path.of(base.get("aio.data.dir")).toAbsolutePath();
    Secrets secrets = Secrets.loadOrCreate(dataDir);
    settings = infrastructure(base, env, secrets);
    if (separateProcesses) {
      processes = new ProcessCloud(settings, dataDir.resolve("logs"));
      ProcessCloud.standard().forEach(processes::add);
      progress.step("services (processes)", () -> {
        processes.startAll(java.time.Duration.ofSeconds(180));
        return null;
      });
    } else {
      vertx = StratoVertx.create();
      deploy(vertx, settings, progress).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
    progress.step("demo image", () -> {
      new DemoImage(settings, secrets.adminPassword()).ensure();
      return null;
    });
    ClientFiles.write(settings, secrets);
    return settings;
  }

  /**
   * Starts the embedded broker and PostgreSQL (unless {@code STRATO_KAFKA_BOOTSTRAP} / {@code STRATO_PG_URI} name
   * external ones) and returns the settings every service of this cloud runs with.
   */
  Settings infrastructure(Settings base, Map<String, String> env, Secrets secrets) throws Exception {
    Path dataDir = Path.of(base.get("aio.data.dir")).toAbsolutePath();
    Map<String, String> overrides = new HashMap<>();
    if (!env.containsKey("STRATO_PG_URI")) {
      EmbeddedPostgresServer pg = progress.step("PostgreSQL", () -> EmbeddedPostgresServer.start(
          dataDir.resolve("postgres"), base.getInt("aio.pg.port"), secrets.postgresPassword()));
      infrastructure.add(0, pg);
      overrides.put("pg.uri", pg.uri());
      overrides.put("pg.password", secrets.postgresPassword());
    }
    if (!env.containsKey("STRATO_KAFKA_BOOTSTRAP")) {
      EmbeddedKafka kafka = progress.step("Kafka", () -> EmbeddedKafka.start(dataDir.resolve("kafka"),
          base.getInt("aio.kafka.port")));
      infrastructure.add(0, kafka);
      overrides.put("kafka.bootstrap", kafka.bootstrap());
    }
    overrides.put("identity.bootstrap.admin.password", secrets.adminPassword());
    overrides.put("identity.demo.password", secrets.demoPassword());
    overrides.put("service.password", secrets.servicePassword());
    overrides.put("metadata.proxy.shared.secret", secrets.metadataSecret());
    overrides.put("identity.url", "http://127.0.0.1:" + base.get("identity.port"));
    overrides.put("identity.catalog", CATALOG);
    if (base.get("image.store.dir").equals(Settings.defaults().get("image.store.dir"))) {
      overrides.put("image.store.dir", dataDir.resolve("images").toString());
    }
    if (base.get("network.bootstrap.private.cidr").isBlank()) {
      overrides.put("network.bootstrap.private.cidr", PRIVATE_NETWORK_CIDR);
    }
    if (base.get("volume.store.dir").equals(Settings.defaults().get("volume.store.dir"))) {
      overrides.put("volume.store.dir", dataDir.resolve("volumes").toString());
    }
    if (base.get("compute.agent.url.template").equals(Settings.defaults().get("compute.agent.url.template"))) {
      overrides.put("compute.agent.url.template", "http://127.0.0.1:" + base.get("agent.port"));
    }
    if (base.get("agent.state.dir").equals(Settings.defaults().get("agent.state.dir"))) {
      overrides.put("agent.state.dir", dataDir.resolve("agent").toString());
    }
    overrides.putAll(SimulatedHost.sizing(base));
    // One simulated host: a resize or cold migration can only stay on it (as devstack's all-in-one allows).
    overrides.put("scheduler.allow.resize.to.same.host", base.get("aio.allow.resize.to.same.host"));
    for (String key : new String[] {"scheduler.map.file", "scheduler.ledger.file"}) {
      String file = base.get(key);
      if (file.equals(Settings.defaults().get(key))) {
        overrides.put(key, dataDir.resolve("scheduler").resolve(Path.of(file).getFileName()).toString());
      }
    }
    return base.with(overrides);
  }

  /** Deploys every service; identity first, since the others fetch its verification key. */
  static Future<?> deploy(Vertx vertx, Settings settings, Progress progress) {
    return progress.timed("identity", () -> vertx.deployVerticle(new IdentityService(IdentityConfig.from(settings))))
        .compose(id -> progress.timed("image", () -> vertx.deployVerticle(new ImageService(ImageConfig.from(settings)))))
        .compose(id -> progress.timed("network",
            () -> vertx.deployVerticle(new NetworkService(NetworkConfig.from(settings)))))
        .compose(id -> progress.timed("volume",
            () -> vertx.deployVerticle(new VolumeService(VolumeConfig.from(settings)))))
        .compose(id -> progress.timed("scheduler",
            () -> vertx.deployVerticle(new SchedulerService(SchedulerServiceConfig.from(settings)))))
        .compose(id -> progress.timed("compute API",
            () -> vertx.deployVerticle(new GatewayService(GatewayConfig.from(settings)))))
        .compose(id -> progress.timed("conductor",
            () -> vertx.deployVerticle(new ConductorService(ConductorConfig.from(settings)))))
        .compose(id -> progress.timed("compute agent",
            () -> vertx.deployVerticle(new AgentService(AgentConfig.from(settings)))));
  }

  private void printWelcome() {
    String host = settings.get("public.host");
    String clouds = Path.of(settings.get("aio.clouds.dir"), "clouds.yaml").toAbsolutePath().normalize().toString();
    System.out.println();
    System.out.println("Strato is running.");
    System.out.println("  identity (Keystone v3)  http://" + host + ":" + settings.get("identity.port") + "/v3");
    System.out.println("  compute  (Nova v2.1)    http://" + host + ":" + settings.get("compute.port") + "/v2.1");
    System.out.println("  image    (Glance v2)    http://" + host + ":" + settings.get("image.port"));
    System.out.println("  network  (Neutron v2.0) http://" + host + ":" + settings.get("network.port") + "/v2.0");
    System.out.println("  volume   (Cinder v3)    http://" + host + ":" + settings.get("volume.port") + "/v3");
    System.out.println("  scheduler (readiness)   http://" + host + ":" + settings.get("scheduler.port") + "/readyz");
    System.out.println("  Kafka                   " + settings.get("kafka.bootstrap"));
    System.out.println("  PostgreSQL              " + withoutPassword(settings.get("pg.uri")));
    System.out.println("  clouds.yaml             " + clouds);
    System.out.println();
    System.out.println("Try:  openstack --os-cloud strato flavor list");
    System.out.println("      openstack --os-cloud strato-admin project list");
    if (processes != null) {
      System.out.println("  processes               " + String.join(", ", processes.names().stream()
          .map(n -> n + " (pid " + processes.pid(n) + ")").toList()));
      System.out.println("  logs                    " + processes.log("identity").getParent());
    }
    System.out.println("Ctrl-C stops everything; the next run keeps the data.");
    System.out.println();
  }

  /** A connection URI as it may be shown: a password written in it (postgresql://user:secret@...) is left out. */
  static String withoutPassword(String uri) {
    return uri.replaceFirst("^([a-z]+://[^:@/]+):[^@/]*@", "$1@");
  }

  @Override
  public void close() {
    if (processes != null) processes.close();
    try {
      if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing services: {}", e.toString());
    }
    for (AutoCloseable c : infrastructure) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    infrastructure.clear();
  }
}
