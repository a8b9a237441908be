package io.strato.volume;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the volume service alone, against the PostgreSQL named in configuration. */
public final class VolumeMain {
  private VolumeMain() {}

  public static void main(String[] args) {
    VolumeConfig config = VolumeConfig.from(Settings.load());
    ServiceMain.run("volume", vertx -> vertx.deployVerticle(new VolumeService(config)));
  }
}
