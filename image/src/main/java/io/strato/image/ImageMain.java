package io.strato.image;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the image service alone, against the PostgreSQL named in configuration. */
public final class ImageMain {
  private ImageMain() {}

  public static void main(String[] args) {
    ImageConfig config = ImageConfig.from(Settings.load());
    ServiceMain.run("image", vertx -> vertx.deployVerticle(new ImageService(config)));
  }
}
