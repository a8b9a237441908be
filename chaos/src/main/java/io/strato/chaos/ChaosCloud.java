package io.strato.chaos;

import io.strato.common.config.Settings;
import io.strato.embedded.EmbeddedKafka;
import io.strato.embedded.EmbeddedLibvirtd;
import io.strato.embedded.EmbeddedPostgresServer;
import io.strato.embedded.Ports;
import io.strato.launcher.ProcessCloud;
import io.strato.launcher.ProcessCloud.Spec;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud the chaos suite breaks: a real Kafka broker and a real PostgreSQL in this JVM (so the harness can stop
 * and start them), every service as its own OS process ({@link ProcessCloud}), two agent processes each running a
 * small simulated fleet, and a {@link FaultProxy} in front of identity, image, network and volume.
 */
final class ChaosCloud implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChaosCloud.class);
  static final List<String> AGENTS = List.of("agent-a", "agent-b");
  static final String SECOND_SCHEDULER = "scheduler-2";

  final ChaosConfig config;
  final Path dir;
  final String hostPrefix;
  final String adminPassword = UUID.randomUUID().toString();
  final Vertx vertx = Vertx.vertx();
  private final int kafkaPort = Ports.free();
  private final int pgPort = Ports.free();
  private final String pgPassword = UUID.randomUUID().toString();
  private EmbeddedKafka kafka;
  private EmbeddedPostgresServer pg;
  /** The harness's own libvirtd (null when {@code chaos.libvirt.uri} names another libvirt). */
  private EmbeddedLibvirtd libvirtd;
  private Path libvirtdDir;
  /** Where the agents and the checker reach libvirt. */
  String libvirtUri;
  final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
  Settings settings;
  ProcessCloud processes;

  ChaosCloud(ChaosConfig config, Path dir) {
    this.config = config;
    this.dir = dir;
    this.hostPrefix = "chaos-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** Starts the broker, PostgreSQL, the proxies and every service; returns once all serve. */
  ChaosCloud start() throws Exception {
    startKafka();
    startPostgres();
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap", "127.0.0.1:" + kafkaPort);
    o.put("pg.uri", "postgresql://" + EmbeddedPostgresServer.USER + "@127.0.0.1:" + pgPort + "/postgres");
    o.put("pg.password", pgPassword);
    o.put("kafka.partitions", "4");
    o.put("kafka.max.poll.interval.ms", String.valueOf(config.maxPollIntervalMs()));
    o.put("identity.bootstrap.admin.password", adminPassword);
    o.put("service.password", UUID.randomUUID().toString());
    o.put("identity.password.iterations", "10000");
    o.put("network.bootstrap.private.cidr", "10.0.0.0/22");
    o.put("image.store.dir", dir.resolve("images").toString());
    o.put("volume.store.dir", dir.resolve("volumes").toString());
    o.put("scheduler.map.file", dir.resolve("scheduler/host-state.dat").toString());
    o.put("scheduler.ledger.file", dir.resolve("scheduler/placements.dat").toString());
    o.put("conductor.build.timeout.seconds", String.valueOf(config.buildTimeoutSeconds()));
    o.put("conductor.reconcile.interval.seconds", "5");
    // An outbox row Kafka never takes reaches the dead letters after about 64 s (250 ms doubling 8 times), not 4 min.
    o.put("outbox.retry.initial.ms", "250");
    if (ChaosConfig.OWN_LIBVIRTD.equals(config.libvirtUri())) {
      // A folder of its own under the temporary folder, not under the run's: libvirtd runs as nobody, which cannot
      // reach into a run folder made by Files.createTempDirectory (mode 0700).
      libvirtdDir = Files.createTempDirectory("strato-chaos-libvirtd");
      libvirtd = EmbeddedLibvirtd.start(libvirtdDir);
      libvirtUri = libvirtd.uri();
    } else {
      libvirtUri = config.libvirtUri();
    }
    // Boots that ask for it (metadata strato-test-pause-at) pause at that point long enough for a kill -9 to hit it
    // (the harness kills within a tenth of a second of the log line), and short enough that a restarted scheduler,
    // which pauses again on the redelivered request, still places it well within the build timeout.
    o.put("test.pause.seconds", "5");
    o.put("agent.libvirt.uri", libvirtUri);
    o.put("agent.domain.type", "test");
    o.put("agent.report.interval.seconds", "5");
    o.put("agent.vcpus", String.valueOf(ChaosConfig.HOST_VCPUS));
    o.put("agent.memory.mb", String.valueOf(ChaosConfig.HOST_MEMORY_MB));
    o.put("agent.disk.gb", String.valueOf(ChaosConfig.HOST_DISK_GB));
    o.put("agent.cpu.allocation.ratio", "1.0");
    o.put("agent.ram.allocation.ratio", "1.0");
    o.put("agent.disk.allocation.ratio", "1.0");
    o.put("agent.reserved.memory.mb", String.valueOf(ChaosConfig.HOST_RESERVED_MB));
    o.put("aio.data.dir", dir.toString());
    // Every port free; identity, image, network and volume are reached through a proxy on the shared port.
    Map<String, Integer> real = new LinkedHashMap<>();
    for (String key : List.of("identity.port", "image.port", "network.port", "volume.port")) {
      o.put(key, String.valueOf(Ports.free()));
      real.put(key, Ports.free());
    }
    for (String key : List.of("compute.port", "scheduler.port", "conductor.port", "agent.port")) {
      o.put(key, String.valueOf(Ports.free()));
    }
    o.put("identity.url", "http://127.0.0.1:" + o.get("identity.port"));
    o.put("compute.agent.url.template", "http://127.0.0.1:" + o.get("agent.port"));
    settings = Settings.load().with(o);
    for (var e : real.entrySet()) {
      String name = e.getKey().substring(0, e.getKey().indexOf('.'));
      proxies.put(name, FaultProxy.start(vertx, name, settings.getInt(e.getKey()), e.getValue()));
    }

    processes = new ProcessCloud(settings, dir.resolve("logs"));
    for (Spec s : ProcessCloud.standard()) {
      if (s.name().equals("compute-agent")) continue;
      String portKey = s.portKey();
      processes.add(real.containsKey(portKey)
          ? new Spec(s.name(), s.mainClass(), portKey, Map.of(portKey, String.valueOf(real.get(portKey))))
          : s);
    }
    for (String agent : AGENTS) {
      processes.add(new Spec(agent, "io.strato.agent.AgentMain", "agent.port", Map.of(
          "agent.host", hostPrefix + "-" + agent.substring(agent.indexOf('-') + 1),
          "agent.fleet.size", String.valueOf(config.hostsPerAgent()),
          "agent.port", agent.equals(AGENTS.get(0)) ? settings.get("agent.port") : String.valueOf(Ports.free()),
          "agent.state.dir", dir.resolve(agent).toString())));
    }
    processes.add(new Spec(SECOND_SCHEDULER, "io.strato.scheduler.service.SchedulerMain", "scheduler.port",
        Map.of("scheduler.port", String.valueOf(Ports.free()))));
    List<String> everyone = processes.names().stream().filter(n -> !n.equals(SECOND_SCHEDULER)).toList();
    processes.start(everyone.get(0));
    processes.awaitHealthy(everyone.get(0), Duration.ofSeconds(180));
    for (String n : everyone.subList(1, everyone.size())) processes.start(n);
    for (String n : everyone.subList(1, everyone.size())) processes.awaitHealthy(n, Duration.ofSeconds(240));
    LOG.info("chaos cloud up in {}: {}", dir, everyone);
    return this;
  }

  /** The services that normally run (the second scheduler only runs in the scheduler race). */
  List<String> services() {
    return processes.names().stream().filter(n -> !n.equals(SECOND_SCHEDULER)).toList();
  }

  /** The simulated hosts, as the agents name them. */
  List<String> hosts() {
    List<String> hosts = new java.util.ArrayList<>();
    for (String agent : AGENTS) {
      for (int i = 1; i <= config.hostsPerAgent(); i++) {
        hosts.add(String.format("%s-%s-%04d", hostPrefix, agent.substring(agent.indexOf('-') + 1), i));
      }
    }
    return hosts;
  }

  Path agentStateDir(String agent) {
    return dir.resolve(agent);
  }

  synchronized void startKafka() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort);
  }

  synchronized void stopKafka() {
    if (kafka != null) kafka.close();
    kafka = null;
  }

  synchronized void startPostgres() {
    pg = EmbeddedPostgresServer.start(dir.resolve("postgres"), pgPort, pgPassword);
  }

  synchronized void stopPostgres() {
    if (pg != null) pg.close();
    pg = null;
  }

  /** Stops libvirtd and starts it again under the running agents; its test driver forgets every domain. */
  synchronized void restartLibvirtd() {
    if (libvirtd == null) throw new IllegalStateException("libvirtd is not the harness's own: " + libvirtUri);
    libvirtd.restart();
  }

  String url(String portKey) {
    return "http://127.0.0.1:" + settings.get(portKey);
  }

  private boolean closed;

  private static void deleteQuietly(Path folder) {
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("could not delete {}: {}", folder, e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (processes != null) processes.close();
    proxies.values().forEach(FaultProxy::close);
    try {
      stopKafka();
    } catch (RuntimeException e) {
      LOG.warn("stopping Kafka: {}", e.toString());
    }
    try {
      stopPostgres();
    } catch (RuntimeException e) {
      LOG.warn("stopping PostgreSQL: {}", e.toString());
    }
    if (libvirtd != null) libvirtd.close();
    if (libvirtdDir != null) deleteQuietly(libvirtdDir);
    vertx.close();
  }
}
