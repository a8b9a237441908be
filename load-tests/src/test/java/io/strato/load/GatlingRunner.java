package io.strato.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Runs one simulation in this JVM, as {@code mvn gatling:test} would in its own, and finds its HTML report. */
public final class GatlingRunner {
  /** Gatling's exit code (0: ran and every assertion held) and the report's index.html (null when none). */
  public record Result(int exitCode, Path report) {
    public boolean passed() {
      return exitCode == 0;
    }
  }

  private GatlingRunner() {}

  /**
   * Sets {@code properties} as system properties for the run (the simulations read {@code load.*} from there), runs
   * the simulation with its results under {@code resultsFolder}, and restores the properties.
   */
  public static Result run(Class<?> simulation, Path resultsFolder, Map<String, String> properties) {
    Map<String, String> previous = new java.util.HashMap<>();
    properties.forEach((k, v) -> {
      previous.put(k, System.getProperty(k));
      System.setProperty(k, v);
    });
    try {
      Files.createDirectories(resultsFolder);
      Set<Path> before = runs(resultsFolder);
      int code = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
          "-s", simulation.getName(), "-rf", resultsFolder.toAbsolutePath().toString(), "-l", "strato"});
      Path report = runs(resultsFolder).stream().filter(p -> !before.contains(p))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .map(p -> p.resolve("index.html")).filter(Files::exists).orElse(null);
      return new Result(code, report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      previous.forEach((k, v) -> {
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
      });
    }
  }

  private static Set<Path> runs(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return new HashSet<>(s.filter(Files::isDirectory).toList());
    }
  }
}
