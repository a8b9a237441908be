package io.strato.load;

import io.strato.embedded.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./strato bench boot-storm [servers]}, {@code ./strato bench batch [servers]} and {@code ./strato bench
 * boot-open [rate]}: starts the all-in-one in its own JVM (fresh data folder, free ports, the compute agent in fleet
 * mode with {@code bench.fleet.size} simulated hosts, default 1000), runs {@link BootStormSimulation},
 * {@link BatchSimulation} or {@link BootOpenSimulation} (several times for the open model's search) against it in
 * this JVM, prints the result lines on stdout (everything else goes to stderr or files), and stops the cloud. Beside
 * each run it reports on stderr the CPU the cloud's JVM, PostgreSQL and this JVM (Gatling) spent per boot.
 *
 * <p>System properties: {@code bench.fleet.size}, {@code bench.cloud.jvm.args} (extra flags for the cloud's JVM, e.g.
 * a JFR recording), {@code bench.keep} (leave the cloud's data folder), and any {@code load.*} (users, poll
 * interval, networks...).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    // Gatling prints its progress on stdout: stdout carries only the result lines.
    java.io.PrintStream out = System.out;
    System.setOut(System.err);
    String mode = args.length > 0 ? args[0] : "";
    if (!mode.equals("boot-storm") && !mode.equals("batch") && !mode.equals("boot-open")) {
      System.err.println("usage: BenchMain boot-storm [servers] | batch [servers] | boot-open [rate]");
      System.exit(2);
    }
    int servers = !mode.equals("boot-open") && args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int fleet = Integer.getInteger("bench.fleet.size", 1000);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = Path.of("target", "bench", mode + "-" + stamp).toAbsolutePath();
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    String adminPassword = UUID.randomUUID().toString();
    TestCloud.writeSecrets(data, adminPassword);

    Map<String, String> cloudProps = new HashMap<>();
    for (String port : List.of("identity.port", "compute.port", "image.port", "network.port", "volume.port",
        "scheduler.port", "conductor.port", "agent.port", "aio.kafka.port", "aio.pg.port")) {
      cloudProps.put(port, String.valueOf(Ports.free()));
    }
    cloudProps.put("aio.data.dir", data.toString());
    cloudProps.put("aio.clouds.dir", dir.toString());
    cloudProps.put("agent.host", "bench");
    cloudProps.put("agent.fleet.size", String.valueOf(fleet));

    Path log = dir.resolve("cloud.log");
    Process cloud = startCloud(cloudProps, log);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(cloud)));
    try {
      System.err.println("bench: starting the all-in-one with " + fleet + " simulated hosts (log: " + log + ")");
      long t = System.nanoTime();
      awaitRunning(cloud, log, 900);
      System.err.printf("bench: cloud up in %.1f s (pid %d, PostgreSQL on port %s, Kafka on %s); running %s%n",
          (System.nanoTime() - t) / 1e9, cloud.pid(), cloudProps.get("aio.pg.port"),
          cloudProps.get("aio.kafka.port"), mode);

      Map<String, String> props = new HashMap<>();
      props.put("load.identity.url", "http://127.0.0.1:" + cloudProps.get("identity.port"));
      props.put("load.compute.url", "http://127.0.0.1:" + cloudProps.get("compute.port"));
      props.put("load.image.url", "http://127.0.0.1:" + cloudProps.get("image.port"));
      props.put("load.network.url", "http://127.0.0.1:" + cloudProps.get("network.port"));
      props.put("load.kafka.bootstrap", "127.0.0.1:" + cloudProps.get("aio.kafka.port"));
      props.put("load.admin.password", adminPassword);
      props.put("load.servers", String.valueOf(servers));
      props.put("load.users", System.getProperty("load.users", "50"));
      props.put("load.poll.ms", System.getProperty("load.poll.ms", "100"));
      props.put("load.active.timeout.s", System.getProperty("load.active.timeout.s", "300"));
      props.put("load.warmup.servers", System.getProperty("load.warmup.servers", "50"));
      // Any other load.* given to the bench goes to the simulation as well.
      System.getProperties().forEach((k, v) -> {
        if (k.toString().startsWith("load.")) props.putIfAbsent(k.toString(), v.toString());
      });
      Usage usage = new Usage(cloud.pid(), data);
      // What the idle cloud spends (1,000 hosts reporting, periodic tasks), so a run's CPU per boot can be read net.
      Usage.Snapshot idleStart = usage.snapshot();
      Thread.sleep(Long.getLong("bench.idle.sample.ms", 10_000));
      usage.idle(idleStart, usage.snapshot());

      if (mode.equals("boot-open")) {
        bootOpen(args.length > 1 ? Double.parseDouble(args[1]) : null, props, dir, usage, out);
      } else {
        Properties f = run(mode.equals("batch") ? BatchSimulation.class : BootStormSimulation.class, props, dir,
            mode, usage);
        String line = mode.equals("batch")
            ? String.format("batch servers=%d active_per_s=%s active_p99_ms=%s duplicates=%s errors=%s", servers,
                f.getProperty("active_per_s", "0"), f.getProperty("active_p99_ms", "0"),
                f.getProperty("duplicates", "0"), errors(f, servers, "active"))
            : String.format("boot-storm servers=%d accepted_per_s=%s accept_p99_ms=%s active_per_s=%s"
                + " active_p99_ms=%s errors=%s", servers, f.getProperty("accepted_per_s", "0"),
                f.getProperty("accept_p99_ms", "0"), f.getProperty("active_per_s", "0"),
                f.getProperty("active_p99_ms", "0"), errors(f, servers, "active"));
        out.println(line);
        out.flush();
      }
      System.err.println("bench: cloud log " + log);
    } finally {
      stop(cloud);
      if (!Boolean.getBoolean("bench.keep")) deleteTree(data);
    }
    System.exit(0);
  }

  /**
   * The open model: at {@code rate} when given; otherwise at 200 boots/s, then a search for the highest rate with
   * active p99 within 1,000 ms and no error (runs that are sure to miss stop early), each printed as one line.
   */
  private static void bootOpen(Double rate, Map<String, String> base, Path dir, Usage usage, java.io.PrintStream out)
      throws Exception {
    long bound = Long.getLong("bench.open.p99.ms", 1000);
    Map<String, String> props = new HashMap<>(base);
    props.put("load.duration.s", System.getProperty("load.duration.s", "60"));
    props.put("load.active.p99.ms", String.valueOf(bound));
    props.put("load.flavor", System.getProperty("load.flavor", CloudSetup.NANO_FLAVOR));
    props.put("load.cleanup", "false");
    double first = rate == null ? 200 : rate;
    Properties f = open(first, false, props, dir, usage);
    out.println(openLine(first, f));
    out.flush();
    if (rate != null) return;
    props.put("load.warmup.servers", "0");
    Double passed = sustained(f, bound) ? first : null;
    Properties best = passed == null ? null : f;
    Double failed = passed == null ? first : null;
    for (int step = 0; step < Integer.getInteger("bench.open.search.steps", 5); step++) {
      double next = failed == null ? passed * 2 : passed == null ? failed / 2 : Math.floor((passed + failed) / 2);
      if (passed != null && failed != null && failed - passed <= Math.max(5, passed / 10)) break;
      Properties g = open(next, true, props, dir, usage);
      boolean ok = sustained(g, bound);
      System.err.println("bench: search " + openLine(next, g) + (ok ? " sustained" : " not sustained"));
      if (ok) {
        passed = next;
        best = g;
      } else {
        failed = next;
      }
    }
    if (best == null) {
      System.err.println("bench: no rate tried was sustained with active p99 <= " + bound + " ms and no error");
      out.println("boot-open rate=0 accepted_p99_ms=0 active_p50_ms=0 active_p99_ms=0 errors=0");
    } else {
      out.println(openLine(passed, best));
    }
    out.flush();
  }

  private static Properties open(double rate, boolean stopEarly, Map<String, String> base, Path dir, Usage usage)
      throws Exception {
    Map<String, String> props = new HashMap<>(base);
    props.put("load.rate", String.valueOf(rate));
    props.put("load.stop.early", String.valueOf(stopEarly));
    return run(BootOpenSimulation.class, props, dir, "boot-open-" + Math.round(rate), usage);
  }

  private static boolean sustained(Properties f, long bound) {
    return !Boolean.parseBoolean(f.getProperty("stopped_early", "false"))
        && Long.parseLong(f.getProperty("errors", "1")) == 0
        && Long.parseLong(f.getProperty("active", "0")) == Long.parseLong(f.getProperty("accepted", "-1"))
        && Long.parseLong(f.getProperty("active_p99_ms", String.valueOf(Long.MAX_VALUE))) <= bound;
  }

  private static String openLine(double rate, Properties f) {
    return String.format("boot-open rate=%d accepted_p99_ms=%s active_p50_ms=%s active_p99_ms=%s errors=%s",
        Math.round(rate), f.getProperty("accept_p99_ms", "0"), f.getProperty("active_p50_ms", "0"),
        f.getProperty("active_p99_ms", "0"), f.getProperty("errors", "0"));
  }

  /** One simulation against the running cloud; its figures, and on stderr the CPU each process spent per boot. */
  private static Properties run(Class<?> simulation, Map<String, String> props, Path dir, String name, Usage usage)
      throws Exception {
    Path result = dir.resolve(name + ".properties");
    Map<String, String> p = new HashMap<>(props);
    p.put("load.result.file", result.toString());
    Usage.Snapshot before = usage.snapshot();
    GatlingRunner.Result run = GatlingRunner.run(simulation, Path.of("target", "gatling"), p);
    Usage.Snapshot after = usage.snapshot();
    Properties f = new Properties();
    if (Files.exists(result)) {
      try (var r = Files.newBufferedReader(result)) {
        f.load(r);
      }
    }
    System.err.println("bench: " + name + ": Gatling " + (run.passed() ? "assertions held" : "assertions FAILED (exit "
        + run.exitCode() + ")") + "; HTML report: " + (run.report() == null ? "none" : run.report().toUri()));
    Path timeline = Figures.timelineFile(result);
    if (Files.exists(timeline) && run.report() != null) {
      timeline = Files.move(timeline, run.report().resolveSibling("timeline.html"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.exists(timeline)) {
      System.err.println("bench: " + name + ": boots/s and p99 over time: " + timeline.toUri());
    }
    System.err.println("bench: " + name + ": figures " + f);
    long boots = Math.max(1, Long.parseLong(f.getProperty("active", "0")));
    System.err.println("bench: " + name + ": " + usage.describe(before, after, boots));
    return f;
  }

  /** Errors as recorded, plus any server never seen ACTIVE (a run cut short counts every missing one). */
  private static long errors(Properties f, int servers, String activeKey) {
    long recorded = Long.parseLong(f.getProperty("errors", "0"));
    long missing = servers - Long.parseLong(f.getProperty(activeKey, "0"));
    return Math.max(recorded, missing);
  }

  private static Process startCloud(Map<String, String> props, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : System.getProperty("bench.cloud.jvm.flags", "").split("\\s+")) {
      if (!flag.isBlank()) cmd.add(flag);
    }
    for (String flag : System.getProperty("bench.cloud.jvm.args", "-Xms2g -Xmx4g").split("[\\s|]+")) {
      if (!flag.isBlank()) cmd.add(flag);
    }
    props.forEach((k, v) -> cmd.add("-Dstrato." + k + "=" + v));
    cmd.add("-cp");
    // Without the test classes: the cloud logs as the all-in-one does (common's logback.xml), not as the tests do.
    cmd.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes") && !e.endsWith("bench-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
    cmd.add("io.strato.launcher.AllInOne");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // One access-log line per request would be a large share of the cloud's work at thousands of requests a second.
    pb.environment().putIfAbsent("STRATO_ACCESS_LOG_LEVEL", "WARN");
    return pb.start();
  }

  private static void awaitRunning(Process cloud, Path log, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!cloud.isAlive()) throw new IllegalStateException("the all-in-one exited; see " + log);
      if (Files.exists(log) && Files.readString(log).contains("Strato is running.")) return;
      Thread.sleep(500);
    }
    throw new IllegalStateException("the all-in-one did not start within " + seconds + " s; see " + log);
  }

  private static void stop(Process cloud) {
    if (!cloud.isAlive()) return;
    cloud.destroy();
    try {
      if (!cloud.waitFor(60, TimeUnit.SECONDS)) cloud.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      cloud.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not delete " + root + ": " + e);
    }
  }
}
