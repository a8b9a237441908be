package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REST boot storm: {@code load.users} virtual users log in once, create {@code load.servers} servers between them
 * (POST /v2.1/servers, back to back), wait until a watcher has seen them ACTIVE, and delete them. Assertions: no
 * failed request (an ERROR server or one not ACTIVE within {@code load.active.timeout.s} fails a check), p99 of the
 * creates under {@code load.accept.p99.ms}. Time to ACTIVE is the cloud's own (create action to launched_at), recorded beside
 * Gatling ({@link Figures}) and logged.
 */
public class BootStormSimulation extends Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(BootStormSimulation.class);
  private final Figures figures = new Figures();
  private volatile CloudSetup.Tenant tenant;
  private final BootStorm storm;

  {
    int servers = LoadSettings.servers();
    int users = LoadSettings.users();
    storm = new BootStorm(() -> tenant, figures, servers, users);
    HttpProtocolBuilder protocol = http.disableWarmUp().acceptHeader("application/json")
        .contentTypeHeader("application/json").userAgentHeader("strato-gatling");
    setUp(storm.users("boot storm").injectOpen(atOnceUsers(users)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details(BootStorm.CREATE).successfulRequests().count().is((long) servers),
            details(BootStorm.CREATE).responseTime().percentile(99.0).lt(LoadSettings.acceptP99Ms()));
  }

  @Override
  public void before() {
    try {
      tenant = CloudSetup.prepare("load-boot-storm");
      storm.start(tenant);
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare the run: " + e.getMessage(), e);
    }
  }

  @Override
  public void after() {
    storm.finish();
    LOG.info("boot storm figures: {}", figures);
    figures.writeIfAsked();
  }
}
