package io.strato.gateway;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the compute API alone, against the Kafka and PostgreSQL named in configuration. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    GatewayConfig config = GatewayConfig.from(Settings.load());
    ServiceMain.run("gateway", vertx -> vertx.deployVerticle(new GatewayService(config)));
  }
}
