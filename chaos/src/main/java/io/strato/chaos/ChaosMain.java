package io.strato.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./strato chaos [scenario...]}: one line per scenario on stdout, then the totals line; progress and the
 * details of each violation on stderr; every service's log under the run's folder ({@code -Dchaos.dir}, else a new
 * temporary one). Exits 1 when a scenario failed.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) throws Exception {
    // The harness's own broker and PostgreSQL log only warnings; each service keeps its full log in its file.
    if (System.getProperty("STRATO_LOG_LEVEL") == null) System.setProperty("STRATO_LOG_LEVEL", "WARN");
    // stdout carries only the scenario lines: the log (the console appender writes to System.out) goes to stderr.
    java.io.PrintStream lines = System.out;
    System.setOut(System.err);
    String dirProperty = System.getProperty("chaos.dir");
    Path dir = dirProperty != null ? Path.of(dirProperty) : Files.createTempDirectory("strato-chaos");
    ChaosSuite.Summary summary = new ChaosSuite(ChaosConfig.fromSystemProperties(), lines, System.err)
        .run(List.of(args), dir.toAbsolutePath());
    System.exit(summary.passed() == summary.scenarios() ? 0 : 1);
  }
}
