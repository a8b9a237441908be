package io.strato.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Notification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** Reads {@code strato.instance-events} from the beginning in its own consumer group, for tests to wait on. */
public final class InstanceEvents {
  private final ConcurrentLinkedQueue<Notification> seen = new ConcurrentLinkedQueue<>();

  public InstanceEvents(Vertx vertx, Settings settings) {
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "events-" + System.nanoTime()));
    consumer.handler(r -> {
      seen.add(Notification.fromJson(new JsonObject(r.value())));
      synchronized (seen) {
        seen.notifyAll();
      }
    });
    TestIdentity.await(consumer.subscribe(Topics.INSTANCE_EVENTS));
  }

  /** Notifications about this batch (its instances, its refused entries, its summary). */
  public static Predicate<Notification> ofBatch(String batchId) {
    return n -> batchId.equals(n.payload().getString("batch_id"));
  }

  public static Predicate<Notification> type(String eventType) {
    return n -> n.eventType().equals(eventType);
  }

  public List<Notification> all(Predicate<Notification> which) {
    return seen.stream().filter(which).toList();
  }

  /** Waits (woken by each new notification) up to 30 s until at least {@code count} match; answers them all. */
  public List<Notification> await(Predicate<Notification> which, int count, String what) {
    long deadline = System.currentTimeMillis() + 30_000;
    synchronized (seen) {
      while (true) {
        List<Notification> found = all(which);
        if (found.size() >= count) return found;
        long left = deadline - System.currentTimeMillis();
        assertThat(left).as("waiting for " + count + " x " + what + ", saw " + found).isPositive();
        try {
          seen.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
