package io.strato.identity;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs identity alone, against the PostgreSQL named in configuration. */
public final class IdentityMain {
  private IdentityMain() {}

  public static void main(String[] args) {
    IdentityConfig config = IdentityConfig.from(Settings.load());
    ServiceMain.run("identity", vertx -> vertx.deployVerticle(new IdentityService(config)));
  }
}
