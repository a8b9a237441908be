package io.strato.network;

import io.strato.common.config.Settings;
import io.strato.testkit.TestIdentity;
import java.util.Map;

/** The network service, started once per test JVM (with the shared {@code private} network) for every test class. */
final class TestNetwork {
  private static Integer port;

  private TestNetwork() {}

  /** Starts the service the first time; answers its port. */
  static synchronized int port() {
    if (port == null) {
      TestIdentity identity = TestIdentity.get();
      Settings settings = identity.settings.with(Map.of("network.bootstrap.private.cidr", "10.0.0.0/22"));
      TestIdentity.await(identity.vertx.deployVerticle(new NetworkService(NetworkConfig.from(settings))));
      port = identity.settings.getInt("network.port");
      identity.awaitReady(port);
    }
    return port;
  }
}
