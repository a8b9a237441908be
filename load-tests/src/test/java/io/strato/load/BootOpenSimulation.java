package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open model: boots arrive at a fixed rate ({@code load.rate} per second) for {@code load.duration.s} seconds whatever
 * the answers, as tenants' requests do, each one {@code POST /servers} with a token got before the run. An
 * {@link ActiveWatcher} sees them reach ACTIVE; once the arrivals are over the run waits until every accepted server is
 * ACTIVE or ERROR (up to {@code load.active.timeout.s}). Figures: p99 of the accept, p50 and p99 of the cloud's own
 * time to ACTIVE, errors (creates not answered 202, servers in ERROR or not ACTIVE in time).
 *
 * <p>With {@code load.stop.early=true} (the bench's search for the highest sustained rate) the run stops as soon as
 * more than 1 % of its boots are sure to miss {@code load.active.p99.ms}: servers still not ACTIVE that long after
 * their 202 can only be later than that.
 */
public class BootOpenSimulation extends Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(BootOpenSimulation.class);
  static final String CREATE = "create server";
  private final Figures figures = new Figures();
  private final AtomicInteger names = new AtomicInteger();
  /** Creates sent and not answered yet. */
  private final AtomicInteger creating = new AtomicInteger();
  private volatile CloudSetup.Tenant tenant;
  private volatile String token;
  private volatile ActiveWatcher watcher;
  private volatile long arrivalsEnd = Long.MAX_VALUE;
  private volatile long drainDeadline = Long.MAX_VALUE;
  private volatile boolean stoppedEarly;

  {
    double rate = Double.parseDouble(LoadSettings.get("load.rate", "200"));
    int seconds = LoadSettings.integer("load.duration.s", 60);
    long p99Bound = LoadSettings.activeP99Ms();
    boolean stopEarly = Boolean.parseBoolean(LoadSettings.get("load.stop.early", "false"));
    long sureLate = (long) Math.ceil(rate * seconds * 0.01);
    String compute = LoadSettings.computeUrl() + "/v2.1";

    ScenarioBuilder arrivals = scenario("boot arrivals")
        .exec(s -> {
          long t0 = System.nanoTime();
          figures.started(t0);
          creating.incrementAndGet();
          return s.set("t0", t0).set("token", token);
        })
        .exec(http(CREATE).post(compute + "/servers").header("X-Auth-Token", "#{token}")
            .header("OpenStack-API-Version", LoadSettings.COMPUTE_VERSION)
            .body(StringBody(s -> new JsonObject().put("server", new JsonObject()
                .put("name", "open-" + names.incrementAndGet()).put("imageRef", tenant.imageId())
                .put("flavorRef", tenant.flavorId()).put("networks", "none")).encode())).asJson()
            .check(status().is(202), jmesPath("server.id").saveAs("created")))
        .exec(s -> {
          long now = System.nanoTime();
          creating.decrementAndGet();
          if (s.isFailed() || !s.contains("created")) {
            figures.error();
          } else {
            figures.accepted(s.getLong("t0"), now);
            watcher.expect(s.getString("created"), now);
          }
          return s;
        });
    // One user that watches the run's end: arrivals over and every accepted server settled, or the deadline.
    ScenarioBuilder drain = scenario("until settled")
        .exec(s -> {
          arrivalsEnd = System.nanoTime() + seconds * 1_000_000_000L;
          drainDeadline = arrivalsEnd + LoadSettings.activeTimeoutSeconds() * 1_000_000_000L;
          return s;
        })
        .asLongAs(s -> System.nanoTime() < drainDeadline && (System.nanoTime() < arrivalsEnd
            || creating.get() > 0 || watcher.settledCount() < watcher.expected())).on(
            pause(Duration.ofMillis(250))
                .exec(stopLoadGeneratorIf(s -> "more than 1 % of the boots are later than " + p99Bound + " ms",
                    s -> stopEarly && sureLate(p99Bound, sureLate))));
    HttpProtocolBuilder protocol = http.disableWarmUp().shareConnections().acceptHeader("application/json")
        .contentTypeHeader("application/json").userAgentHeader("strato-gatling");
    setUp(arrivals.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(seconds))),
        drain.injectOpen(atOnceUsers(1)))
        .protocols(protocol);
  }

  private boolean sureLate(long p99Bound, long allowed) {
    boolean late = watcher.pendingOlderThan(p99Bound) + watcher.errors() > allowed;
    if (late) stoppedEarly = true;
    return late;
  }

  @Override
  public void before() {
    try {
      tenant = CloudSetup.prepare("load-boot-open");
      token = CloudSetup.login(tenant.userName(), tenant.password(), tenant.projectName()).token();
      Warmup.run(token, tenant, LoadSettings.integer("load.warmup.servers", 0));
      watcher = new ActiveWatcher(token, id -> {});
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare the run: " + e.getMessage(), e);
    }
  }

  @Override
  public void after() {
    // A run stopped early leaves boots in flight: let them settle, so the next run starts on a quiet cloud.
    long deadline = System.nanoTime() + LoadSettings.activeTimeoutSeconds() * 1_000_000_000L;
    while (watcher.settledCount() < watcher.expected() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    watcher.close();
    figures.serverTimes(watcher.serverTimes());
    figures.errors(watcher.errors() + (watcher.expected() - watcher.settledCount()));
    figures.note("stopped_early", String.valueOf(stoppedEarly));
    LOG.info("boot-open figures: {}", figures);
    figures.writeIfAsked();
    if (Boolean.parseBoolean(LoadSettings.get("load.cleanup", "true"))) Warmup.delete(token, watcher.ids());
  }
}
