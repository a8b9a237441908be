package io.strato.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command from a test, bounded in time; its output is stdout and stderr together. */
final class HostShell {
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private HostShell() {}

  static Result run(int timeoutSeconds, String... argv) {
    Path out = null;
    try {
      // Output to a file: a process that never ends cannot hold the reader past the time limit.
      out = Files.createTempFile("host-shell", ".out");
      Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!ended) p.destroyForcibly();
      String text = Files.readString(out, StandardCharsets.UTF_8);
      return ended ? new Result(p.exitValue(), text) : new Result(-1, text + " (timed out)");
    } catch (IOException e) {
      return new Result(127, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    } finally {
      if (out != null) out.toFile().delete();
    }
  }

  /** Runs the command; a failure fails the test with its output. */
  static Result check(int timeoutSeconds, String... argv) {
    Result r = run(timeoutSeconds, argv);
    if (!r.ok()) throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.output());
    return r;
  }
}
