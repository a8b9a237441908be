package io.strato.chaos;

import io.strato.common.faults.PausePoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** One scenario's run: the cloud, its user, and what the user was told (accepted boots, accepted deletes). */
final class Run {
  final ChaosCloud cloud;
  final CloudApi api;
  final Checker checker;
  final Random random;
  final String name;
  final Set<String> accepted = ConcurrentHashMap.newKeySet();
  final Set<String> deleted = ConcurrentHashMap.newKeySet();
  final List<String> notes = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(12);
  private final AtomicInteger counter = new AtomicInteger();

  Run(ChaosCloud cloud, CloudApi api, Checker checker, Random random, String name) {
    this.cloud = cloud;
    this.api = api;
    this.checker = checker;
    this.random = random;
    this.name = name;
  }

  /** Boots {@code n} servers, one every {@code spacingMs}, in the background; the future ends when all answered. */
  CompletableFuture<List<String>> storm(int n, long spacingMs) {
    return storm(n, spacingMs, "1");
  }

  CompletableFuture<List<String>> storm(int n, long spacingMs, String flavorId) {
    List<CompletableFuture<String>> boots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long delay = i * spacingMs;
      boots.add(CompletableFuture.supplyAsync(() -> {
        sleep(delay);
        String id = api.boot(name + "-" + counter.incrementAndGet(), flavorId);
        if (id != null) accepted.add(id);
        return id;
      }, pool));
    }
    return CompletableFuture.allOf(boots.toArray(CompletableFuture[]::new)).thenApply(v ->
        boots.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
  }

  /** Boots one server that pauses at {@code point} ({@code PausePoints}); its id (accepted), or a failure. */
  String pausedBoot(String point) {
    String id = api.bootPaused(name + "-paused-" + counter.incrementAndGet(), point);
    if (id == null) throw new IllegalStateException("the boot to pause at " + point + " was not accepted");
    accepted.add(id);
    return id;
  }

  /**
   * Waits until one of {@code processes} has logged {@code times} times that instance {@code id} reached {@code point}
   * and pauses there (a restarted process pauses again on a redelivered record); returns that process's name (the one
   * to kill -9 now).
   */
  String awaitPause(String point, String id, List<String> processes, Duration timeout, int times) {
    String marker = PausePoints.MARKER + point + " reached by instance " + id;
    Map<String, LogWatch> logs = new HashMap<>();
    processes.forEach(p -> logs.put(p, new LogWatch(cloud.processes.log(p), marker)));
    String[] found = new String[1];
    awaitTrue(() -> {
      for (var e : logs.entrySet()) {
        if (e.getValue().seen() >= times) {
          found[0] = e.getKey();
          return true;
        }
      }
      return false;
    }, timeout, "\"" + marker + "\" " + times + " time(s) in the log of " + processes);
    return found[0];
  }

  /** Deletes a server; remembered when the cloud accepted the delete. */
  boolean delete(String id) {
    boolean ok = api.delete(id);
    if (ok) deleted.add(id);
    return ok;
  }

  CompletableFuture<Boolean> deleteLater(String id, long delayMs) {
    return CompletableFuture.supplyAsync(() -> {
      sleep(delayMs);
      return delete(id);
    }, pool);
  }

  /** Waits until {@code accepted} holds at least {@code n} ids. */
  void awaitAccepted(int n, Duration timeout) {
    awaitTrue(() -> accepted.size() >= n, timeout, n + " accepted boots");
  }

  /** Waits for one of the scenario's instances to match (read from PostgreSQL); returns it. */
  Checker.Instance awaitInstance(Predicate<Checker.Instance> p, Duration timeout, String what) {
    Checker.Instance[] found = new Checker.Instance[1];
    awaitTrue(() -> {
      try {
        for (Checker.Instance i : checker.instances().values()) {
          if (accepted.contains(i.id()) && p.test(i)) {
            found[0] = i;
            return true;
          }
        }
      } catch (Exception e) {
        return false;
      }
      return false;
    }, timeout, what);
    return found[0];
  }

  void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
      sleep(50);
    }
  }

  /** The agent process that runs a host. */
  static String agentOf(String host) {
    for (String agent : ChaosCloud.AGENTS) {
      if (host != null && host.contains("-" + agent.substring(agent.indexOf('-') + 1) + "-")) return agent;
    }
    throw new IllegalArgumentException("no agent runs host " + host);
  }

  void note(String s) {
    notes.add(s);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  void close() {
    pool.shutdownNow();
  }
}
