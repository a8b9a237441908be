package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mixed read load: while a boot storm runs ({@link BootStorm}, {@code load.servers} by {@code load.users}),
 * {@code load.readers} other users of the same project list servers ({@code GET /servers}), list them in detail
 * ({@code GET /servers/detail}) and show one that is ACTIVE, pausing {@code load.read.pause.ms} between rounds,
 * until the storm's users are done. Assertions: no failed request; p99 of each read under {@code load.read.p99.ms}.
 */
public class MixedReadSimulation extends Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(MixedReadSimulation.class);
  static final String LIST = "list servers";
  static final String DETAIL = "list servers detail";
  static final String SHOW = "show an active server";
  private final Figures figures = new Figures();
  private volatile CloudSetup.Tenant tenant;
  private final BootStorm storm;

  {
    int servers = LoadSettings.servers();
    int users = LoadSettings.users();
    int readers = LoadSettings.readers();
    long readPause = LoadSettings.integer("load.read.pause.ms", 50);
    int p99 = LoadSettings.readP99Ms();
    String compute = LoadSettings.computeUrl() + "/v2.1";
    storm = new BootStorm(() -> tenant, figures, servers, users);
    ScenarioBuilder read = scenario("readers")
        .exec(BootStorm.login(() -> tenant))
        .exitHereIfFailed()
        .asLongAs(s -> storm.finished.get() < users).on(
            exec(http(LIST).get(compute + "/servers?limit=100").header("X-Auth-Token", "#{token}")
                .check(status().is(200), jmesPath("servers").exists()))
            .exec(http(DETAIL).get(compute + "/servers/detail?limit=100").header("X-Auth-Token", "#{token}")
                .check(status().is(200), jmesPath("servers").exists()))
            .exec(s -> {
              // The most recent ACTIVE server (the storm deletes the oldest first, so it is likely still there).
              String pick = null;
              for (Iterator<String> it = storm.activeIds.iterator(); it.hasNext(); ) pick = it.next();
              return pick == null ? s.remove("show") : s.set("show", pick);
            })
            .doIf(s -> s.contains("show")).then(
                exec(http(SHOW).get(compute + "/servers/#{show}").header("X-Auth-Token", "#{token}")
                    // 404: deleted by the storm between the pick and the show, which is fine.
                    .check(status().in(200, 404))))
            .pause(Duration.ofMillis(readPause)));
    HttpProtocolBuilder protocol = http.disableWarmUp().acceptHeader("application/json")
        .contentTypeHeader("application/json").userAgentHeader("strato-gatling");
    setUp(storm.users("boot storm").injectOpen(atOnceUsers(users)),
        read.injectOpen(atOnceUsers(readers)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details(BootStorm.CREATE).successfulRequests().count().is((long) servers),
            details(LIST).responseTime().percentile(99.0).lt(p99),
            details(DETAIL).responseTime().percentile(99.0).lt(p99));
  }

  @Override
  public void before() {
    try {
      tenant = CloudSetup.prepare("load-mixed");
      storm.start(tenant);
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare the run: " + e.getMessage(), e);
    }
  }

  @Override
  public void after() {
    storm.finish();
    LOG.info("mixed read figures (storm): {}", figures);
    figures.writeIfAsked();
  }
}
