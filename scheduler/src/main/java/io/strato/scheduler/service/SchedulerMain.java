package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.common.service.ServiceMain;

/** Runs the scheduler alone, against the Kafka named in configuration (needs the JVM flags of Chronicle Map). */
public final class SchedulerMain {
    private SchedulerMain() {
    }

    public static void main(String[] args) {
        SchedulerServiceConfig config = SchedulerServiceConfig.from(Settings.load());
        ServiceMain.run("scheduler", vertx -> vertx.deployVerticle(new SchedulerService(config)));
    }
}
