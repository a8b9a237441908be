package io.strato.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Watches a run's servers reach ACTIVE while the load goes on, the way an operator's dashboard would: every
 * {@code load.watch.ms} it lists the project's servers that changed lately ({@code GET /servers/detail?status=ACTIVE
 * &changes-since=...}, and the same for ERROR), so one list call covers every server that finished meanwhile,
 * whatever the number of servers booting. The virtual users only create (and at the end delete); none of them polls
 * a server of its own, so no server's time to ACTIVE depends on when a user got round to asking.
 *
 * <p>Times to ACTIVE are the cloud's own: from the {@code create} action's {@code start_time} (written in the create's
 * transaction, microseconds) to the server's {@code OS-SRV-USG:launched_at} (written by the conductor when it goes
 * ACTIVE). The action is read once per server, when it is first seen ACTIVE (before a user may delete it), four at a
 * time: one call per server, fewer than the per-server polls this replaced.
 */
final class ActiveWatcher implements AutoCloseable {
  private static final java.time.format.DateTimeFormatter NOVA_MICROS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  /**
   * One server of the run's project: when its 202 came (nanoTime; set by {@link #expect}, which may come after the
   * watcher saw it ACTIVE), and what the watcher saw.
   */
  private static final class Watched {
    volatile long acceptedNanos;
    volatile boolean expected;
    volatile String status;
    volatile String launchedAt;
    volatile String fault;
    volatile LocalDateTime createdAt;
    /** ACTIVE with its create time read (or the read failed), or ERROR. */
    volatile boolean done;

  }

  /** Server-side times of one run: time to ACTIVE of each server (ms), and the span from first create to last ACTIVE. */
  record ServerTimes(List<Long> activeMs, long spanMs, List<BootTimeline.Boot> boots) {}

  private final String compute;
  private final String token;
  private final long pollMs = LoadSettings.integer("load.watch.ms", 500);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .executor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "active-watcher-http");
        t.setDaemon(true);
        return t;
      })).build();
  private final Map<String, Watched> servers = new ConcurrentHashMap<>();
  private final AtomicInteger expectedCount = new AtomicInteger();
  private final Consumer<String> onActive;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Instant since = Instant.now().minusSeconds(5);
  private volatile String lastError;

  /** {@code onActive} is told each server id once, when first seen ACTIVE. */
  ActiveWatcher(String token, Consumer<String> onActive) {
    this.compute = LoadSettings.computeUrl() + "/v2.1";
    this.token = token;
    this.onActive = onActive;
    this.thread = new Thread(this::run, "active-watcher");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** A create of this run was answered 202 (at {@code acceptedNanos}, System.nanoTime). */
  void expect(String id, long acceptedNanos) {
    Watched w = servers.computeIfAbsent(id, k -> new Watched());
    w.acceptedNanos = acceptedNanos;
    if (!w.expected) {
      w.expected = true;
      expectedCount.incrementAndGet();
    }
  }

  int expected() {
    return expectedCount.get();
  }

  /** Servers of this run that are ACTIVE (with their create time read) or ERROR. */
  int settledCount() {
    return (int) servers.values().stream().filter(w -> w.expected && w.done).count();
  }

  /** ACTIVE (with its create time read, so it may be deleted now) or ERROR. */
  boolean settled(String id) {
    Watched w = servers.get(id);
    return w != null && w.done;
  }

  boolean isError(String id) {
    Watched w = servers.get(id);
    return w != null && "ERROR".equals(w.status);
  }

  /** Servers still not ACTIVE or ERROR whose 202 came more than {@code ms} ago. */
  long pendingOlderThan(long ms) {
    long limit = System.nanoTime() - ms * 1_000_000L;
    return servers.values().stream().filter(w -> w.expected && w.status == null && w.acceptedNanos < limit).count();
  }

  /** Servers seen in ERROR. */
  long errors() {
    return servers.values().stream().filter(w -> w.expected && "ERROR".equals(w.status)).count();
  }

  String lastError() {
    return lastError;
  }

  private void run() {
    while (running) {
      long t0 = System.nanoTime();
      try {
        Instant pollStart = Instant.now();
        Instant from = since;
        scan("ACTIVE", from);
        scan("ERROR", from);
        // NOTE: changes-since compares with updated_at at the server; a window overlapping the previous poll by 2 s
        // loses nothing to clock granularity or to a commit that landed while the previous poll ran.
        since = pollStart.minusSeconds(2);
      } catch (Exception e) {
        lastError = e.toString();
      }
      long left = pollMs - (System.nanoTime() - t0) / 1_000_000;
      if (left > 0) {
        try {
          Thread.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void scan(String status, Instant from) throws Exception {
    String marker = null;
    while (true) {
      String url = compute + "/servers/detail?status=" + status + "&limit=1000&changes-since="
          + OffsetDateTime.ofInstant(from, ZoneOffset.UTC) + (marker == null ? "" : "&marker=" + marker);
      JsonArray list = get(url).getJsonArray("servers");
      for (Object o : list) {
        JsonObject s = (JsonObject) o;
        // NOTE: every server of the run's project is recorded, even before its create's 202 reached the user that
        // sent it (expect), so none is missed however late that reply is handled.
        Watched w = servers.computeIfAbsent(s.getString("id"), k -> new Watched());
        if (w.status != null) continue;
        w.launchedAt = s.getString("OS-SRV-USG:launched_at");
        if ("ERROR".equals(status)) w.fault = String.valueOf(s.getValue("fault"));
        w.status = status;
        if ("ERROR".equals(status)) {
          w.done = true;
        } else {
          fetchCreateTime(s.getString("id"), w);
          onActive.accept(s.getString("id"));
        }
      }
      if (list.size() < 1000) return;
      marker = list.getJsonObject(list.size() - 1).getString("id");
    }
  }

  private final Semaphore fetching = new Semaphore(4);
  private final List<CompletableFuture<?>> fetches = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The server's create action start time, read in the background (four at a time). */
  private void fetchCreateTime(String id, Watched w) {
    fetching.acquireUninterruptibly();
    fetches.add(http.sendAsync(request(compute + "/servers/" + id + "/os-instance-actions"),
            HttpResponse.BodyHandlers.ofString())
        .thenAccept(r -> {
          if (r.statusCode() != 200) return;
          for (Object o : new JsonObject(r.body()).getJsonArray("instanceActions")) {
            JsonObject a = (JsonObject) o;
            if ("create".equals(a.getString("action"))) {
              w.createdAt = LocalDateTime.parse(a.getString("start_time"), NOVA_MICROS);
            }
          }
        })
        .whenComplete((v, e) -> {
          w.done = true;
          fetching.release();
        }));
  }

  /**
   * Once the run is over: each ACTIVE server's time to ACTIVE in the cloud's own clock, and the span from the first
   * create to the last launch.
   */
  ServerTimes serverTimes() {
    CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
        .orTimeout(120, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
    List<Long> activeMs = new ArrayList<>();
    List<BootTimeline.Boot> boots = new ArrayList<>();
    LocalDateTime first = null;
    LocalDateTime last = null;
    for (Watched w : servers.values()) {
      if (!w.expected || w.createdAt == null || w.launchedAt == null) continue;
      LocalDateTime launched = LocalDateTime.parse(w.launchedAt, NOVA_MICROS);
      activeMs.add(Math.max(0, Duration.between(w.createdAt, launched).toMillis()));
      boots.add(new BootTimeline.Boot(w.createdAt.toInstant(ZoneOffset.UTC).toEpochMilli(),
          launched.toInstant(ZoneOffset.UTC).toEpochMilli()));
      if (first == null || w.createdAt.isBefore(first)) first = w.createdAt;
      if (last == null || launched.isAfter(last)) last = launched;
    }
    return new ServerTimes(activeMs, first == null ? 0 : Duration.between(first, last).toMillis(), boots);
  }

  /** Server ids of the run (for the clean-up). */
  List<String> ids() {
    return servers.entrySet().stream().filter(e -> e.getValue().expected).map(Map.Entry::getKey).toList();
  }

  String fault(String id) {
    Watched w = servers.get(id);
    return w == null ? null : w.fault;
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> r = http.send(request(url), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("GET " + url + ": " + r.statusCode());
    return new JsonObject(r.body());
  }

  private HttpRequest request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token).header("Accept", "application/json")
        .timeout(Duration.ofSeconds(30)).GET().build();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
