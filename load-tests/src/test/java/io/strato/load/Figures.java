package io.strato.load;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of one run beyond what Gatling's report shows (time from POST or publish to ACTIVE, rates over the
 * phases), recorded from the virtual users' exec blocks or the Kafka consumer, and written as a properties file for
 * the bench line. Times are {@link System#nanoTime()}.
 */
public final class Figures {
  private final List<Long> acceptMs = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> activeMs = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastAccepted = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong lastActive = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong redelivered = new AtomicLong();
  /** Span from the first create to the last launch, in the cloud's clock; -1 while times are the client's. */
  private volatile long serverSpanMs = -1;
  private final java.util.Map<String, String> notes = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<BootTimeline.Boot> boots = List.of();

  /** A create (or publish) is about to go out. */
  public void started(long t0) {
    firstStart.accumulateAndGet(t0, Math::min);
  }

  /** A create was answered 202 after {@code t0}. */
  public void accepted(long t0, long now) {
    acceptMs.add((now - t0) / 1_000_000);
    lastAccepted.accumulateAndGet(now, Math::max);
  }

  /** A server was seen ACTIVE; {@code t0} is when its create (or its batch) went out. */
  public void active(long t0, long now) {
    activeMs.add((now - t0) / 1_000_000);
    lastActive.accumulateAndGet(now, Math::max);
  }

  /**
   * The times to ACTIVE as the cloud recorded them (create action to launched_at), replacing any observed by the
   * client, and the span from the first create to the last launch (for ACTIVE/s).
   */
  public void serverTimes(List<Long> activeMillis, long spanMs) {
    synchronized (activeMs) {
      activeMs.clear();
      activeMs.addAll(activeMillis);
    }
    serverSpanMs = spanMs;
  }

  /** As {@link #serverTimes(List, long)}, keeping each server's times for the run's timeline plot. */
  public void serverTimes(ActiveWatcher.ServerTimes times) {
    serverTimes(times.activeMs(), times.spanMs());
    boots = List.copyOf(times.boots());
  }

  /** Where {@link #writeIfAsked} puts the timeline plot of a run whose figures go to {@code resultFile}. */
  static Path timelineFile(Path resultFile) {
    return resultFile.resolveSibling(resultFile.getFileName().toString().replaceFirst("\\.properties$", "")
        + "-timeline.html");
  }

  /** Anything else a run wants in its figures file. */
  public void note(String key, String value) {
    notes.put(key, value);
  }

  public void error() {
    errors.incrementAndGet();
  }

  public void errors(long n) {
    errors.addAndGet(n);
  }

  public void duplicate() {
    duplicates.incrementAndGet();
  }

  public void redelivered() {
    redelivered.incrementAndGet();
  }

  public int acceptedCount() {
    return acceptMs.size();
  }

  public int activeCount() {
    return activeMs.size();
  }

  public long errorCount() {
    return errors.get();
  }

  public long duplicateCount() {
    return duplicates.get();
  }

  /** Accepted creates per second from the first create sent to the last one answered. */
  public long acceptedPerSecond() {
    return rate(acceptMs.size(), lastAccepted.get());
  }

  /**
   * Servers ACTIVE per second: over the cloud's span from first create to last launch when {@link #serverTimes} was
   * given, else from the first create sent to the last ACTIVE seen.
   */
  public long activePerSecond() {
    if (serverSpanMs >= 0) return serverSpanMs == 0 ? 0 : Math.round(activeMs.size() / (serverSpanMs / 1e3));
    return rate(activeMs.size(), lastActive.get());
  }

  public long acceptP99() {
    return percentile(acceptMs, 99);
  }

  public long activeP99() {
    return percentile(activeMs, 99);
  }

  public long activeP50() {
    return percentile(activeMs, 50);
  }

  private long rate(int count, long end) {
    long start = firstStart.get();
    if (count == 0 || end <= start) return 0;
    return Math.round(count / ((end - start) / 1e9));
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted;
    synchronized (values) {
      sorted = new ArrayList<>(values);
    }
    if (sorted.isEmpty()) return 0;
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** Writes the figures where {@code load.result.file} says, if it says. */
  public void writeIfAsked() {
    String file = LoadSettings.resultFile();
    if (file.isBlank()) return;
    Properties p = new Properties();
    p.setProperty("accepted", String.valueOf(acceptMs.size()));
    p.setProperty("active", String.valueOf(activeMs.size()));
    p.setProperty("accepted_per_s", String.valueOf(acceptedPerSecond()));
    p.setProperty("accept_p99_ms", String.valueOf(acceptP99()));
    p.setProperty("active_per_s", String.valueOf(activePerSecond()));
    p.setProperty("active_p50_ms", String.valueOf(activeP50()));
    p.setProperty("active_p99_ms", String.valueOf(activeP99()));
    p.setProperty("errors", String.valueOf(errors.get()));
    p.setProperty("duplicates", String.valueOf(duplicates.get()));
    p.setProperty("redelivered", String.valueOf(redelivered.get()));
    notes.forEach(p::setProperty);
    try {
      Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
      try (Writer w = Files.newBufferedWriter(Path.of(file))) {
        p.store(w, "load test figures");
      }
      if (!boots.isEmpty()) {
        BootTimeline.write(timelineFile(Path.of(file)), "Boots over time: " + Path.of(file).getFileName(), boots);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "accepted=" + acceptMs.size() + " accepted_per_s=" + acceptedPerSecond() + " accept_p99_ms=" + acceptP99()
        + " active=" + activeMs.size() + " active_per_s=" + activePerSecond() + " active_p50_ms=" + activeP50()
        + " active_p99_ms=" + activeP99() + " errors=" + errors.get() + " duplicates=" + duplicates.get()
        + " redelivered=" + redelivered.get();
  }
}
