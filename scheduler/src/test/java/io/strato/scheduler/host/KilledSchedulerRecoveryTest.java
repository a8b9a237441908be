package io.strato.scheduler.host;

import static io.strato.scheduler.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.scheduler.TestHosts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler process killed (SIGKILL) while it holds a host's lock in the shared Chronicle Map file: the next
 * scheduler to open the file, alone, recovers it and updates that host at once, instead of waiting on a lock nobody
 * will ever release.
 */
class KilledSchedulerRecoveryTest {

  @Test
  @DisplayName("a scheduler killed inside a compare-and-set: the next one to open the map updates that host at once")
  void killedLockHolderLeavesNoLock(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("host-state.cm");
    try (HostStateStore store = HostStateStore.open(file, 100, Duration.ofMinutes(10), TestHosts.clock())) {
      store.upsertFromReport(host("h1").report());
    }

    Process holder = fork(file, "h1");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("locked")) {
        // start-up output of the other JVM
      }
      assertThat(line).as("the other scheduler never took the lock").isEqualTo("locked");
    } finally {
      holder.destroyForcibly(); // SIGKILL: no shutdown hook, no unlock
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    try (HostStateStore store = HostStateStore.open(file, 100, Duration.ofMinutes(10), TestHosts.clock())) {
      CompletableFuture<HostState> update = CompletableFuture.supplyAsync(
          () -> store.upsertFromReport(host("h1").instances(3).report()));
      HostState h1 = update.get(10, TimeUnit.SECONDS);
      assertThat(h1.runningInstances()).isEqualTo(3);
      assertThat(store.get("h1")).contains(h1);
    }
  }

  /** Another JVM with this one's class path and Chronicle Map flags, running {@link SegmentLockHolder}. */
  private static Process fork(Path file, String hostName) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) command.add(arg);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SegmentLockHolder.class.getName(),
        file.toString(), hostName));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
