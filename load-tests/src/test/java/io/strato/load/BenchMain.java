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
 * {@code ./strato bench boot-storm [servers]} and {@code ./strato bench batch [servers]}: starts the all-in-one in its
 * own JVM (fresh data folder, free ports, the compute agent in fleet mode with {@code bench.fleet.size} simulated
 * hosts, default 1000), runs {@link BootStormSimulation} or {@link BatchSimulation} against it in this JVM, prints the
 * one result line on stdout (everything else goes to stderr or files), and stops the cloud.
 *
 * <p>System properties: {@code bench.fleet.size}, {@code bench.cloud.jvm.args} (extra flags for the cloud's JVM, e.g.
 * a JFR recording), {@code bench.keep} (leave the cloud's data folder), and any {@code load.*} (users, poll
 * interval, networks...).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    // Gatling prints its progress on stdout: stdout carries only the result line.
    java.io.PrintStream out = System.out;
    System.setOut(System.err);
    String mode = args.length > 0 ? args[0] : "";
    if (!mode.equals("boot-storm") && !mode.equals("batch")) {
      System.err.println("usage: BenchMain boot-storm|batch [servers]");
      System.exit(2);
    }
    int servers = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
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
      System.err.printf("bench: cloud up in %.1f s (pid %d, PostgreSQL on port %s, Kafka on %s); running %s with %d"
          + " servers%n", (System.nanoTime() - t) / 1e9, cloud.pid(), cloudProps.get("aio.pg.port"),
          cloudProps.get("aio.kafka.port"), mode, servers);

      Map<String, String> props = new HashMap<>();
      props.put("load.identity.url", "http://127.0.0.1:" + cloudProps.get("identity.port"));
      props.put("load.compute.url", "http://127.0.0.1:" + cloudProps.get("compute.port"));
      props.put("load.image.url", "http://127.0.0.1:" + cloudProps.get("image.port"));
      props.put("load.network.url", "http://127.0.0.1:" + cloudProps.get("network.port"));
      props.put("load.kafka.bootstrap", "127.0.0.1:" + cloudProps.get("aio.kafka.port"));
      props.put("load.admin.password", adminPassword);
      props.put("load.servers", String.valueOf(servers));
      props.putIfAbsent("load.users", System.getProperty("load.users", "50"));
      props.put("load.poll.ms", System.getProperty("load.poll.ms", "100"));
      props.put("load.active.timeout.s", System.getProperty("load.active.timeout.s", "300"));
      Path result = dir.resolve("figures.properties");
      props.put("load.result.file", result.toString());
      Class<?> simulation = mode.equals("batch") ? BatchSimulation.class : BootStormSimulation.class;
      GatlingRunner.Result run = GatlingRunner.run(simulation, Path.of("target", "gatling"), props);

      Properties f = new Properties();
      if (Files.exists(result)) {
        try (var r = Files.newBufferedReader(result)) {
          f.load(r);
        }
      }
      String line = mode.equals("batch")
          ? String.format("batch servers=%d active_per_s=%s active_p99_ms=%s duplicates=%s errors=%s", servers,
              f.getProperty("active_per_s", "0"), f.getProperty("active_p99_ms", "0"),
              f.getProperty("duplicates", "0"), errors(f, servers, "active"))
          : String.format("boot-storm servers=%d accepted_per_s=%s accept_p99_ms=%s active_per_s=%s active_p99_ms=%s"
              + " errors=%s", servers, f.getProperty("accepted_per_s", "0"), f.getProperty("accept_p99_ms", "0"),
              f.getProperty("active_per_s", "0"), f.getProperty("active_p99_ms", "0"), errors(f, servers, "active"));
      out.println(line);
      out.flush();
      System.err.println("bench: Gatling " + (run.passed() ? "assertions held" : "assertions FAILED (exit "
          + run.exitCode() + ")") + "; HTML report: " + (run.report() == null ? "none" : run.report().toUri()));
      System.err.println("bench: figures " + f + "; cloud log " + log);
    } finally {
      stop(cloud);
      if (!Boolean.getBoolean("bench.keep")) deleteTree(data);
    }
    System.exit(0);
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
