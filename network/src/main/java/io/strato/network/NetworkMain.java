package io.strato.network;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the network service alone, against the PostgreSQL named in configuration. */
public final class NetworkMain {
  private NetworkMain() {}

  public static void main(String[] args) {
    NetworkConfig config = NetworkConfig.from(Settings.load());
    ServiceMain.run("network", vertx -> vertx.deployVerticle(new NetworkService(config)));
  }
}
