package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitHereIfFailed;
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
 * back; then each polls its servers, oldest first, until ACTIVE (ERROR or a timeout fails the run), and deletes them.
 */
final class BootStorm {
  static final String CREATE = "create server";
  static final String SHOW = "show server";
  static final String DELETE = "delete server";
  static final String LOGIN = "login";

  /** A server this user created: its id and when its POST went out. */
  record Booting(String id, long t0) {}

  private final Supplier<CloudSetup.Tenant> tenant;
  private final Figures figures;
  private final int users;
  private final AtomicInteger loggedIn = new AtomicInteger();
  private final AtomicInteger tickets;
  private final AtomicInteger names = new AtomicInteger();
  private final long pollMs = LoadSettings.pollMs();
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
        .exec(s -> s.set("next", 0))
        .asLongAs(s -> s.getInt("next") < booting(s).size()).on(poll())
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

  /** One poll of the oldest server not yet seen ACTIVE; no pause when it is (the next one is probably too). */
  private ChainBuilder poll() {
    return exec(s -> s.set("current", booting(s).get(s.getInt("next")).id()).remove("status").markAsSucceeded())
        .exec(http(SHOW).get(compute + "/servers/#{current}").header("X-Auth-Token", "#{token}")
            .check(status().is(200), jmesPath("server.status").not("ERROR"),
                jmesPath("server.status").saveAs("status")))
        .exec(s -> {
          Booting b = booting(s).get(s.getInt("next"));
          long now = System.nanoTime();
          String status = s.contains("status") ? s.getString("status") : null;
          if ("ACTIVE".equals(status)) {
            figures.active(b.t0(), now);
            activeIds.add(b.id());
            return s.set("next", s.getInt("next") + 1).set("wait", false);
          }
          if (s.isFailed() || now - b.t0() > timeoutNanos) {
            figures.error();
            return s.set("next", s.getInt("next") + 1).set("wait", false).set("late", !s.isFailed());
          }
          return s.set("wait", true);
        })
        // A server still BUILD after load.active.timeout.s: one last show whose check fails, so Gatling counts it.
        .doIf(s -> s.contains("late") && s.getBoolean("late")).then(exec(s -> s.set("late", false))
            .exec(http("server ACTIVE in time").get(compute + "/servers/#{current}")
                .header("X-Auth-Token", "#{token}").check(jmesPath("server.status").is("ACTIVE"))))
        .doIf(s -> s.getBoolean("wait")).then(pause(Duration.ofMillis(pollMs)));
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
