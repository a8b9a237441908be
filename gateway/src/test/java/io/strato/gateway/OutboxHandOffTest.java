package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.db.Database;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxMessage;
import io.strato.common.db.OutboxRelay;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rows the committing process hands to its relay (the create path's boot requests and notifications) are not lost
 * when that process dies between its commit and the send: once their lease has passed, a relay's poll sends them,
 * each exactly once and in order per key.
 */
@ExtendWith(SharedInfrastructure.class)
class OutboxHandOffTest {
  private static final int KEYS = 3;
  private static final int PER_KEY = 20;

  @Test
  @DisplayName("rows committed for a hand-off by a process that died before sending them reach Kafka after their"
      + " lease, each exactly once and in order per key, and leave the outbox")
  void handedRowsOfADeadProcessAreSentOnceInOrder() throws Exception {
    TestCloud cloud = TestCloud.get();
    Settings settings = cloud.settings.with(Map.of("outbox.handoff.lease.ms", "1000"));
    String prefix = "handoff-" + UUID.randomUUID() + "-";
    Map<String, List<Integer>> received = new ConcurrentHashMap<>();
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(cloud.vertx, KafkaSettings.consumer(settings, "handoff-" + System.nanoTime()));
    consumer.handler(r -> {
      if (r.key() != null && r.key().startsWith(prefix)) {
        received.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(r.value()));
      }
    });
    TestCloud.await(consumer.subscribe(Topics.INSTANCE_EVENTS));

    // The dead process: its rows committed with a lease, its relay gone before it sent any of them.
    Vertx doomed = Vertx.vertx();
    Pool doomedPool = TestCloud.await(Database.open(doomed, settings, "nova"));
    List<Tuple> rows = new ArrayList<>();
    for (int seq = 0; seq < PER_KEY; seq++) {
      for (int k = 0; k < KEYS; k++) {
        rows.add(Tuple.of(Topics.INSTANCE_EVENTS, prefix + k, String.valueOf(seq), "req-" + UUID.randomUUID()));
      }
    }
    List<OutboxMessage> committed = TestCloud.await(doomedPool.withTransaction(tx -> Outbox.addForHandOff(tx, rows,
        1000)));
    TestCloud.await(doomed.close());

    // A relay started afterwards (the shared one may take them too: FOR UPDATE SKIP LOCKED keeps them single).
    Vertx later = Vertx.vertx();
    Pool pool = TestCloud.await(Database.open(later, settings, "nova"));
    TestCloud.await(later.deployVerticle(new OutboxRelay(pool, settings, "gateway")));
    Long[] ids = committed.stream().map(OutboxMessage::id).toArray(Long[]::new);
    long deadline = System.currentTimeMillis() + 20_000;
    while (TestCloud.await(pool.preparedQuery("SELECT count(*) FROM outbox WHERE id = ANY($1)")
        .execute(Tuple.of(ids))).iterator().next().getLong(0) > 0
        || received.values().stream().mapToInt(List::size).sum() < KEYS * PER_KEY) {
      assertThat(System.currentTimeMillis()).as("rows sent and deleted: " + received).isLessThan(deadline);
      Thread.sleep(50); // back-off between looks
    }
    List<Integer> inOrder = IntStream.range(0, PER_KEY).boxed().toList();
    for (int k = 0; k < KEYS; k++) {
      assertThat(received.get(prefix + k)).as("key " + k + ": each row once, in commit order").isEqualTo(inOrder);
    }
    TestCloud.await(later.close());
    TestCloud.await(consumer.close());
  }
}
