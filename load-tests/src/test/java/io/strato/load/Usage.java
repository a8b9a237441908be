package io.strato.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time spent by the bench's processes, read from Linux's {@code /proc}: the cloud's JVM (every service and the
 * embedded Kafka broker), split by thread name; PostgreSQL (the postmaster whose data folder is under the bench's,
 * with its backends, live and exited); and this JVM (Gatling and the watcher). Two snapshots around a run give the
 * CPU-ms per boot of each.
 */
final class Usage {
  /** Linux's USER_HZ: /proc reports CPU time in these ticks. */
  private static final long TICK_MS = 10;
  private final long cloudPid;
  private final Path dataDir;

  record Snapshot(long cloudMs, Map<String, Long> cloudThreadsMs, long postgresMs, long gatlingMs, long wallNanos) {}

  /** CPU per wall second of the idle cloud and PostgreSQL, measured once before the runs. */
  private double idleCloudPerS;
  private double idlePostgresPerS;

  void idle(Snapshot a, Snapshot b) {
    double s = (b.wallNanos() - a.wallNanos()) / 1e9;
    idleCloudPerS = (b.cloudMs() - a.cloudMs()) / s;
    idlePostgresPerS = (b.postgresMs() - a.postgresMs()) / s;
    System.err.printf("bench: idle cloud: JVM %.0f %% of a core, PostgreSQL %.0f %%%n", idleCloudPerS / 10,
        idlePostgresPerS / 10);
  }

  Usage(long cloudPid, Path dataDir) {
    this.cloudPid = cloudPid;
    this.dataDir = dataDir.toAbsolutePath();
  }

  Snapshot snapshot() {
    long gatling = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
    return new Snapshot(cpu(cloudPid, false), threads(cloudPid), postgres(), gatling, System.nanoTime());
  }

  /**
   * One line: CPU-ms per boot of each process (and, for the cloud and PostgreSQL, net of what they spend idle over
   * the same time), the cloud's thread groups, and each process's share of a core.
   */
  String describe(Snapshot a, Snapshot b, long boots) {
    double wallMs = (b.wallNanos() - a.wallNanos()) / 1e6;
    double idleCloud = idleCloudPerS * wallMs / 1000;
    double idlePostgres = idlePostgresPerS * wallMs / 1000;
    StringBuilder s = new StringBuilder(String.format(
        "CPU-ms per boot (%d boots over %.0f s): cloud JVM %.1f (%.1f net of idle), PostgreSQL %.1f (%.1f net),"
            + " Gatling JVM %.1f (Gatling used %.0f %% of one core, the cloud %.0f %%, PostgreSQL %.0f %%);"
            + " cloud threads:", boots, wallMs / 1000,
        (b.cloudMs() - a.cloudMs()) / (double) boots, (b.cloudMs() - a.cloudMs() - idleCloud) / boots,
        (b.postgresMs() - a.postgresMs()) / (double) boots, (b.postgresMs() - a.postgresMs() - idlePostgres) / boots,
        (b.gatlingMs() - a.gatlingMs()) / (double) boots, 100 * (b.gatlingMs() - a.gatlingMs()) / wallMs,
        100 * (b.cloudMs() - a.cloudMs()) / wallMs, 100 * (b.postgresMs() - a.postgresMs()) / wallMs));
    Map<String, Long> diff = new HashMap<>();
    b.cloudThreadsMs().forEach((k, v) -> diff.put(k, v - a.cloudThreadsMs().getOrDefault(k, 0L)));
    diff.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(12).forEach(e -> s.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / (double) boots)));
    return s.toString();
  }

  /** utime + stime of a process (with its waited-for children when {@code children}), in ms. */
  private static long cpu(long pid, boolean children) {
    String[] f = stat(Path.of("/proc", String.valueOf(pid), "stat"));
    if (f == null) return 0;
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (children) t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return t * TICK_MS;
  }

  /** The cloud's threads, grouped by name without its numbers (Linux keeps the first 15 characters of a name). */
  private static Map<String, Long> threads(long pid) {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      tasks.forEach(task -> {
        try {
          String raw = Files.readString(task.resolve("stat"));
          String name = raw.substring(raw.indexOf('(') + 1, raw.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          String[] f = raw.substring(raw.lastIndexOf(')') + 2).split(" ");
          out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS, Long::sum);
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      });
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** The postmaster running on a data folder under the bench's, its exited backends, and its live ones. */
  private long postgres() {
    long total = 0;
    Long postmaster = null;
    Map<Long, Long> parents = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          String raw = Files.readString(p.resolve("stat"));
          boolean postgres = raw.contains("(postgres)");
          long pid = Long.parseLong(name);
          String[] f = stat(p.resolve("stat"));
          if (f == null || !postgres) continue;
          parents.put(pid, Long.parseLong(f[1]));
          // The postmaster is the postgres process started on the bench's data folder (its backends have no -D).
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (postmaster == null && cmd.contains(dataDir.toString())) postmaster = pid;
        } catch (IOException | RuntimeException e) {
          // a process that ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    if (postmaster == null) return 0;
    total += cpu(postmaster, true);
    for (var e : parents.entrySet()) {
      if (e.getValue().equals(postmaster)) total += cpu(e.getKey(), false);
    }
    return total;
  }

  /** The fields of a /proc stat file after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime. */
  private static String[] stat(Path file) {
    try {
      String raw = Files.readString(file);
      return raw.substring(raw.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
