package io.strato.launcher;

import io.strato.common.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service as its own OS process ({@code ./strato run --processes}, the chaos suite): each runs its own
 * {@code main} with the all-in-one's settings passed as {@code STRATO_*} environment variables, its output in
 * {@code <log dir>/<name>.log}, sharing the one broker and the one PostgreSQL. A process can be killed (SIGKILL),
 * stopped (SIGTERM) and started again alone, so that a fault hits one service and nothing else.
 */
public final class ProcessCloud implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessCloud.class);
  /** Chronicle Map's flags on Java 17 (FACTS.md); harmless for the services that do not use it. */
  static final List<String> JVM_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * One service process: its name (also its log file's), its main class, the key of the port its {@code /healthz}
   * answers on, and settings of its own on top of the cloud's (a second scheduler's port, an agent's hosts).
   */
  public record Spec(String name, String mainClass, String portKey, Map<String, String> overrides) {
    public Spec {
      overrides = Map.copyOf(overrides);
    }
  }

  private final Settings settings;
  private final Path logDir;
  private final Map<String, Spec> specs = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, Process> running = Collections.synchronizedMap(new LinkedHashMap<>());

  public ProcessCloud(Settings settings, Path logDir) {
    this.settings = settings;
    this.logDir = logDir;
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The services of the all-in-one, identity first (the others fetch its verification key). */
  public static List<Spec> standard() {
    return List.of(
        new Spec("identity", "io.strato.identity.IdentityMain", "identity.port", Map.of()),
        new Spec("image", "io.strato.image.ImageMain", "image.port", Map.of()),
        new Spec("network", "io.strato.network.NetworkMain", "network.port", Map.of()),
        new Spec("volume", "io.strato.volume.VolumeMain", "volume.port", Map.of()),
        new Spec("scheduler", "io.strato.scheduler.service.SchedulerMain", "scheduler.port", Map.of()),
        new Spec("compute-api", "io.strato.gateway.GatewayMain", "compute.port", Map.of()),
        new Spec("conductor", "io.strato.conductor.ConductorMain", "conductor.port", Map.of()),
        new Spec("compute-agent", "io.strato.agent.AgentMain", "agent.port", Map.of()));
  }

  public void add(Spec spec) {
    specs.put(spec.name(), spec);
  }

  public List<String> names() {
    synchronized (specs) {
      return List.copyOf(specs.keySet());
    }
  }

  /** Starts every service added: the first alone until it serves, then the others side by side. */
  public void startAll(Duration timeout) {
    List<String> names = names();
    if (names.isEmpty()) return;
    start(names.get(0));
    awaitHealthy(names.get(0), timeout);
    for (String name : names.subList(1, names.size())) start(name);
    for (String name : names.subList(1, names.size())) awaitHealthy(name, timeout);
  }

  /** The settings one service runs with. */
  public Settings settingsOf(String name) {
    return settings.with(spec(name).overrides());
  }

  /** Starts one service process (not waiting for it to serve). */
  public synchronized void start(String name) {
    Spec spec = spec(name);
    Process old = running.get(name);
    if (old != null && old.isAlive()) throw new IllegalStateException(name + " is running already");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    String options = settings.get("aio.processes.jvm.options");
    if (!options.isBlank()) command.addAll(Arrays.asList(options.trim().split("\\s+")));
    command.add(spec.mainClass());
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("STRATO_") && !k.equals("STRATO_LOG_LEVEL")
        && !k.equals("STRATO_ACCESS_LOG_LEVEL"));
    // The class path goes by the environment: as a -cp argument it would show in every ps listing.
    env.put("CLASSPATH", classPath());
    settingsOf(name).asMap().forEach((k, v) -> env.put(Settings.envName(k), v));
    Path log = logDir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      running.put(name, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + name, e);
    }
    LOG.info("started {} (pid {}), log {}", name, pid(name), log);
  }

  /**
   * This JVM's class path, which holds every service; a test JVM started through a manifest-only jar names its real
   * one in {@code strato.processes.classpath}.
   */
  private static String classPath() {
    return System.getProperty("strato.processes.classpath", System.getProperty("java.class.path"));
  }

  /** Waits until the service answers 200 on /healthz; fails with the end of its log if it exits or times out. */
  public void awaitHealthy(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    URI uri = URI.create("http://127.0.0.1:" + port(name) + "/healthz");
    while (true) {
      Process p = running.get(name);
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(name + " exited while starting; its log ends with:\n" + logTail(name, 30));
      }
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not serve /healthz within " + timeout + "; its log ends with:\n"
            + logTail(name, 30));
      }
      sleep(250);
    }
  }

  /** kill -9: the process gets no chance to finish anything. */
  public void kill(String name) {
    Process p = running.get(name);
    if (p == null) return;
    p.destroyForcibly();
    waitFor(p, 30);
    LOG.info("killed {} (SIGKILL)", name);
  }

  /** SIGTERM, as an orchestrator stops a service; SIGKILL if it has not exited within 30 s. */
  public void stop(String name) {
    Process p = running.get(name);
    if (p == null || !p.isAlive()) return;
    p.destroy();
    if (!waitFor(p, 30)) {
      LOG.warn("{} did not stop within 30 s of SIGTERM: killing it", name);
      p.destroyForcibly();
      waitFor(p, 30);
    }
  }

  public boolean alive(String name) {
    Process p = running.get(name);
    return p != null && p.isAlive();
  }

  public long pid(String name) {
    Process p = running.get(name);
    return p == null ? -1 : p.pid();
  }

  public int port(String name) {
    return settingsOf(name).getInt(spec(name).portKey());
  }

  public Path log(String name) {
    return logDir.resolve(name + ".log");
  }

  /** The last lines of a service's log. */
  public String logTail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(log(name));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private Spec spec(String name) {
    Spec spec = specs.get(name);
    if (spec == null) throw new IllegalArgumentException("no service " + name + "; known: " + names());
    return spec;
  }

  /** Stops every service, the last started first. */
  @Override
  public void close() {
    List<String> names = new ArrayList<>(names());
    Collections.reverse(names);
    Map<String, Process> stopping = new HashMap<>();
    for (String name : names) {
      Process p = running.get(name);
      if (p != null && p.isAlive()) {
        p.destroy();
        stopping.put(name, p);
      }
    }
    stopping.forEach((name, p) -> {
      if (!waitFor(p, 30)) {
        p.destroyForcibly();
        waitFor(p, 10);
      }
    });
  }

  private static boolean waitFor(Process p, int seconds) {
    try {
      return p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
