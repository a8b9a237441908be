package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The REST boot storm as a Gatling scenario, shared by {@link BootStormSimulation} and {@link MixedReadSimulation}.
 * Each virtual user logs in once (password, project-scoped); once every user has its token (so that the logins'
 * PBKDF2 does not mix with the storm), the users take servers to create from a shared counter and POST them back to
 * back. Meanwhile an {@link ActiveWatcher} lists the servers that reached ACTIVE (or ERROR); each user waits until
 * all of its servers are settled (an ERROR or a timeout fails a request Gatling counts), then deletes them. Time to
 * ACTIVE is the cloud's own (create action to {@code launched_at}), read after the run. Before the storm,
 * {@code load.warmup.servers} servers are booted and deleted outside the figures (JIT, caches, connections).
 */
final class BootStorm {
  static final String CREATE = "create server";
  static final String SHOW = "show server";
  static final String DELETE = "delete server";
  static final String LOGIN = "login";
  static final String NOT_ACTIVE = "server ACTIVE in time";

  /** A server this user created: its id and when its POST went out. */
  record Booting(String id, long t0) {}

  private final Supplier<CloudSetup.Tenant> tenant;
  private final Figures figures;
  private final int users;
  private final AtomicInteger loggedIn = new AtomicInteger();
  private final AtomicInteger tickets;
  private final AtomicInteger names = new AtomicInteger();
  private final long pollMs = LoadSettings.pollMs();
  private volatile ActiveWatcher watcher;
  private final long timeoutNanos = LoadSettings.activeTimeoutSeconds() * 1_000_000_000L;
  private final String networks = LoadSettings.networks();
  private final String compute = LoadSettings.computeUrl() + "/v2.1";
  private volatile long barrierDeadline = Long.MAX_VALUE;
  /** Servers that are ACTIVE right now, for readers to show (MixedReadSimulation). */
  final Queue<String> activeIds = new ConcurrentLinkedQueue<>();
  /** Users that have finished (deleted their servers). */
  final AtomicInteger finished = new AtomicInteger();

  BootStorm(Supplier<CloudSetup.Tenant> tenant, Figures figures, int servers, int users) {
    this.tenant = tenant;
    this.figures = figures;
    this.users = users;
    this.tickets = new AtomicInteger(servers);
  }

  /** A login for a user of any scenario: the token lands in the session as {@code token}. */
  static ChainBuilder login(Supplier<CloudSetup.Tenant> tenant) {
    return exec(http(LOGIN).post(LoadSettings.identityUrl() + "/v3/auth/tokens?nocatalog=true")
        .body(StringBody(s -> tenant.get().loginBody())).asJson()
        .check(status().is(201), header("X-Subject-Token").saveAs("token")));
  }

  ScenarioBuilder users(String name) {
    return scenario(name)
        .exec(login(tenant))
        .exec(s -> {
          if (loggedIn.incrementAndGet() == 1) barrierDeadline = System.nanoTime() + 120_000_000_000L;
          return s.set("booting", new ArrayList<Booting>());
        })
        .exitHereIfFailed()
        // Every user waits (without blocking a thread) until all have logged in.
        .asLongAs(s -> loggedIn.get() < users && System.nanoTime() < barrierDeadline).on(pause(Duration.ofMillis(20)))
        .asLongAs(s -> tickets.getAndDecrement() > 0).on(create())
        .exec(s -> s.set("deadline", System.nanoTime() + timeoutNanos))
        // The watcher sees servers reach ACTIVE; this user only waits for its own to be settled, or the timeout.
        .asLongAs(s -> !booting(s).stream().allMatch(b -> watcher.settled(b.id()))
            && System.nanoTime() < s.getLong("deadline")).on(pause(Duration.ofMillis(pollMs)))
        .foreach(s -> booting(s).stream().map(Booting::id).filter(id -> !watcher.settled(id) || watcher.isError(id))
            .toList(), "late").on(notActive())
        .foreach(s -> booting(s).stream().map(Booting::id).toList(), "doomed").on(delete())
        .exec(s -> {
          finished.incrementAndGet();
          return s;
        });
  }

  private ChainBuilder create() {
    return exec(s -> {
      long t0 = System.nanoTime();
      figures.started(t0);
      return s.set("t0", t0).markAsSucceeded();
    }).exec(http(CREATE).post(compute + "/servers").header("X-Auth-Token", "#{token}")
        .header("OpenStack-API-Version", LoadSettings.COMPUTE_VERSION)
        .body(StringBody(s -> createBody())).asJson()
        .check(status().is(202), jmesPath("server.id").saveAs("created")))
        .exec(s -> {
          long now = System.nanoTime();
          if (s.isFailed() || !s.contains("created")) {
            figures.error();
            return s.remove("created");
          }
          long t0 = s.getLong("t0");
          figures.accepted(t0, now);
          watcher.expect(s.getString("created"), now);
          booting(s).add(new Booting(s.getString("created"), t0));
          return s.remove("created");
        });
  }

  private String createBody() {
    JsonObject server = new JsonObject().put("name", "load-" + names.incrementAndGet())
        .put("imageRef", tenant.get().imageId()).put("flavorRef", tenant.get().flavorId());
    if (networks.equals("none")) server.put("networks", "none");
    return new JsonObject().put("server", server).encode();
  }

  /** A server ERROR or still not ACTIVE at the deadline: one show whose check fails, so Gatling counts it. */
  private ChainBuilder notActive() {
    return exec(s -> {
      figures.error();
      return s;
    }).exec(http(NOT_ACTIVE).get(compute + "/servers/#{late}").header("X-Auth-Token", "#{token}")
        .check(jmesPath("server.status").is("ACTIVE")));
  }

  /**
   * Before the first user starts: the watcher (logged in as the run's user), then the warm-up servers booted to
   * ACTIVE and deleted.
   */
  void start(CloudSetup.Tenant t) throws Exception {
    String token = CloudSetup.login(t.userName(), t.password(), t.projectName()).token();
    Warmup.run(token, t, LoadSettings.integer("load.warmup.servers", 0));
    watcher = new ActiveWatcher(token, activeIds::add);
  }

  /** After the run: the servers' own times to ACTIVE into the figures. */
  void finish() {
    if (watcher == null) return;
    watcher.close();
    figures.serverTimes(watcher.serverTimes());
    if (watcher.lastError() != null) System.err.println("watcher: last error " + watcher.lastError());
  }

  private ChainBuilder delete() {
    return exec(s -> {
      activeIds.remove(s.getString("doomed"));
      return s;
    }).exec(http(DELETE).delete(compute + "/servers/#{doomed}").header("X-Auth-Token", "#{token}")
        .check(status().is(204)));
  }

  @SuppressWarnings("unchecked")
  private static List<Booting> booting(Session s) {
    return (List<Booting>) s.get("booting");
  }
}
