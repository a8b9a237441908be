package io.strato.agent;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the compute agent alone (one per hypervisor, or a fleet of simulated hosts), against external services. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    AgentConfig config = AgentConfig.from(Settings.load());
    ServiceMain.run("compute-agent", vertx -> vertx.deployVerticle(new AgentService(config)));
  }
}
