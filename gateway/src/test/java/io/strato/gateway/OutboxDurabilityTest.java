package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.common.db.OutboxRelay;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A boot request is never lost: once a create answered 202, it reaches Kafka even if that gateway died. */
@ExtendWith(SharedInfrastructure.class)
class OutboxDurabilityTest {

  @Test
  @DisplayName("a server accepted by a gateway that dies before relaying still gets its boot request on Kafka")
  void acceptedRequestSurvivesGatewayDeath() {
    TestCloud cloud = TestCloud.get();
    var member = cloud.newProject("durable");
    BootRequestWatcher watcher = new BootRequestWatcher(cloud.vertx, cloud.settings);

    // A second gateway on its own Vert.x that never relays: it stands for one killed right after answering.
    int port = Ports.free();
    Vertx doomed = Vertx.vertx();
    TestCloud.await(doomed.deployVerticle(new GatewayService(GatewayConfig.from(cloud.settings
        .with("compute.port", port).with("metadata.port", Ports.free())), false)));
    var resp = cloud.call(HttpMethod.POST, port, "/v2.1/servers", member.token(), cloud.server("survivor"),
        java.util.Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    TestCloud.await(doomed.close());

    // Any other gateway's relay (here: the shared one) finds the committed row and publishes it.
    assertThat(watcher.awaitFor(id).instanceIds()).contains(id);

    // And a relay started from scratch later has nothing left to send twice.
    Vertx later = Vertx.vertx();
    var pool = TestCloud.await(Database.open(later, cloud.settings, "nova"));
    TestCloud.await(later.deployVerticle(new OutboxRelay(pool, cloud.settings, "gateway")));
    long deadline = System.currentTimeMillis() + 10_000;
    long left = -1;
    while (System.currentTimeMillis() < deadline) {
      left = TestCloud.await(pool.query("SELECT count(*) FROM outbox").execute()).iterator().next().getLong(0);
      if (left == 0) break;
      Thread.onSpinWait();
    }
    assertThat(left).isZero();
    TestCloud.await(later.close());
  }
}
