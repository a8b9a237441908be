package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the conductor alone, against the Kafka and PostgreSQL named in configuration. */
public final class ConductorMain {
  private ConductorMain() {}

  public static void main(String[] args) {
    ConductorConfig config = ConductorConfig.from(Settings.load());
    ServiceMain.run("conductor", vertx -> vertx.deployVerticle(new ConductorService(config)));
  }
}
