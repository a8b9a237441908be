package io.strato.chaos;

import io.strato.chaos.Scenarios.Scenario;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs scenarios one after the other on one cloud: the fault, then healing (every process running, broker and
 * PostgreSQL up, proxies passing), then settling (bounded), then the invariants, then clean-up. One line per
 * scenario and, last, the totals line.
 */
final class ChaosSuite {
  /** The totals. */
  record Summary(int scenarios, int passed, int lost, int duplicated, int leaked, int stuck, int overcommitted,
      List<String> failed) {
    String line() {
      return "chaos scenarios=" + scenarios + " passed=" + passed + " lost=" + lost + " duplicated=" + duplicated
          + " leaked=" + leaked + " stuck=" + stuck + " overcommitted=" + overcommitted;
    }
  }

  private final ChaosConfig config;
  private final PrintStream out;
  private final PrintStream progress;
  private final java.util.Set<String> known = new java.util.HashSet<>();

  ChaosSuite(ChaosConfig config, PrintStream out, PrintStream progress) {
    this.config = config;
    this.out = out;
    this.progress = progress;
  }

  /** Runs the named scenarios (all when {@code names} is empty) in the suite's order. */
  Summary run(List<String> names, Path dir) throws Exception {
    List<Scenario> chosen = new ArrayList<>();
    List<Scenario> all = Scenarios.all(config);
    for (Scenario s : all) {
      if (names.isEmpty() || names.contains(s.name())) chosen.add(s);
    }
    for (String n : names) {
      if (all.stream().noneMatch(s -> s.name().equals(n))) {
        throw new IllegalArgumentException("no scenario " + n + "; known: "
            + all.stream().map(Scenario::name).toList());
      }
    }
    Files.createDirectories(dir);
    progress.println("chaos: starting a multi-process cloud in " + dir + " (seed " + config.seed() + ")");
    int passed = 0;
    int lost = 0;
    int duplicated = 0;
    int leaked = 0;
    int stuck = 0;
    int overcommitted = 0;
    List<String> failed = new ArrayList<>();
    Random random = new Random(config.seed());
    ChaosCloud started = new ChaosCloud(config, dir);
    // Ctrl-C or SIGTERM must not leave the service processes, the broker or PostgreSQL behind.
    Thread hook = new Thread(started::close, "chaos-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (ChaosCloud cloud = started) {
      cloud.start();
      CloudApi api = new CloudApi(cloud).setup();
      try (Checker checker = new Checker(cloud, api)) {
        checker.openLibvirt();
        progress.println("chaos: cloud up; logs in " + dir.resolve("logs"));
        for (Scenario scenario : chosen) {
          Checker.Verdict v = runOne(cloud, api, checker, scenario, random);
          lost += v.lost;
          duplicated += v.duplicated;
          leaked += v.leaked;
          stuck += v.stuck;
          overcommitted += v.overcommitted;
          if (v.passed()) {
            passed++;
          } else {
            failed.add(scenario.name());
          }
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
    Summary summary = new Summary(chosen.size(), passed, lost, duplicated, leaked, stuck, overcommitted, failed);
    out.println(summary.line());
    return summary;
  }

  private Checker.Verdict runOne(ChaosCloud cloud, CloudApi api, Checker checker, Scenario scenario, Random random)
      throws Exception {
    long started = System.nanoTime();
    progress.println("chaos: " + scenario.name() + " ...");
    Run run = new Run(cloud, api, checker, new Random(random.nextLong()), scenario.name());
    String bodyFailure = null;
    CompletableFuture<Void> body = CompletableFuture.runAsync(() -> {
      try {
        scenario.body().run(run);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    try {
      body.get(scenario.bound().toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      body.cancel(true);
      bodyFailure = "the scenario did not finish within " + scenario.bound().toSeconds() + " s";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
      bodyFailure = "the scenario failed: " + cause;
    }
    heal(cloud);
    long settleDeadline = System.nanoTime() + Duration.ofSeconds(config.settleSeconds()).toNanos();
    while (System.nanoTime() < settleDeadline && !checker.settled(run.accepted, run.deleted, known)) Run.sleep(1000);
    Checker.Verdict v = checker.check(run.accepted, run.deleted, known);
    if (bodyFailure != null) v.add("other", bodyFailure);
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    StringBuilder line = new StringBuilder(v.passed() ? "PASS " : "FAIL ").append(scenario.name())
        .append(" (").append(seconds).append(" s, ").append(run.accepted.size()).append(" boots accepted, ")
        .append(run.deleted.size()).append(" deletes; ").append(v.outcome).append(")");
    if (!v.passed()) {
      line.append(" lost=").append(v.lost).append(" duplicated=").append(v.duplicated).append(" leaked=")
          .append(v.leaked).append(" stuck=").append(v.stuck).append(" overcommitted=").append(v.overcommitted)
          .append(": ").append(String.join("; ", v.problems.subList(0, Math.min(6, v.problems.size()))));
      if (v.problems.size() > 6) line.append("; and ").append(v.problems.size() - 6).append(" more");
    }
    out.println(line);
    if (!run.notes.isEmpty()) progress.println("chaos: " + scenario.name() + ": " + String.join("; ", run.notes));
    v.problems.forEach(p -> progress.println("chaos:   " + p));
    v.carried.forEach(p -> progress.println("chaos:   " + p));
    run.close();
    cleanUp(checker, api);
    return v;
  }

  /** Whatever a scenario left broken is mended, so the next one starts from a whole cloud. */
  private void heal(ChaosCloud cloud) {
    cloud.proxies.values().forEach(p -> p.mode(FaultProxy.Mode.PASS));
    for (String service : cloud.services()) {
      if (!cloud.processes.alive(service)) {
        progress.println("chaos: " + service + " was down after the scenario: starting it");
        cloud.processes.start(service);
        cloud.processes.awaitHealthy(service, Duration.ofMinutes(2));
      }
    }
    if (cloud.processes.alive(ChaosCloud.SECOND_SCHEDULER)) cloud.processes.stop(ChaosCloud.SECOND_SCHEDULER);
  }

  /** Deletes what the scenario left, so every scenario starts on free hosts; what this leaks shows next time. */
  private void cleanUp(Checker checker, CloudApi api) {
    try {
      for (String id : checker.live()) api.delete(id);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline && !checker.live().isEmpty()) Run.sleep(500);
    } catch (Exception e) {
      progress.println("chaos: clean-up failed: " + e);
    }
  }
}
