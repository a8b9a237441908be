package io.strato.agent.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's network tools ({@code ip}, {@code dnsmasq}, {@code kill}) on a worker pool of their own, each with
 * a wall-clock limit, so a hung command never holds an event loop or a libvirt worker. Output goes to a temporary
 * file (a process that fills a pipe cannot hang its reader).
 */
public final class HostCommands implements AutoCloseable {
  /** What a command did: its exit status and its output (stdout and stderr together). */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private final WorkerExecutor workers;
  private final Duration timeout;

  public HostCommands(Vertx vertx, int threads, Duration timeout) {
    this.workers = vertx.createSharedWorkerExecutor("strato-network-plumbing", threads);
    this.timeout = timeout;
  }

  /** Runs the command; any exit status is a result (use it for probes: "does this link exist?"). */
  public Future<Result> probe(List<String> argv) {
    return workers.executeBlocking(() -> runNow(argv), false);
  }

  /** Runs the command; a non-zero exit fails with the command and what it printed. */
  public Future<String> run(List<String> argv) {
    return probe(argv).map(r -> {
      if (!r.ok()) {
        throw new IllegalStateException(String.join(" ", argv) + " exited with " + r.exit() + ": "
            + r.output().strip());
      }
      return r.output();
    });
  }

  private Result runNow(List<String> argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile("strato-net", ".out");
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds()
            + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Override
  public void close() {
    workers.close();
  }
}
