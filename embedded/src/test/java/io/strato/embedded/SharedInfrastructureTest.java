package io.strato.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.db.Database;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({SharedInfrastructure.class, VertxExtension.class})
class SharedInfrastructureTest {

  @Test
  @DisplayName("migrations run once per schema, even when two replicas start at the same time")
  void migrationsApplyOnce(Vertx vertx, VertxTestContext ctx) {
    Settings settings = SharedInfrastructure.settings();
    Future.all(Database.open(vertx, settings, "probe"), Database.open(vertx, settings, "probe"))
        .compose(both -> {
          Pool pool = both.resultAt(0);
          return pool.query("SELECT count(*), max(note) FROM things").execute()
              .compose(rows -> pool.query("SELECT count(*) FROM schema_version").execute().map(v -> List.of(rows, v)));
        })
        .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
          var things = results.get(0).iterator().next();
          assertThat(things.getLong(0)).isEqualTo(1);
          assertThat(things.getString(1)).isEqualTo("seed");
          assertThat(results.get(1).iterator().next().getLong(0)).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a service role that owns only its schema, made beforehand, migrates it without CREATE on the "
      + "database")
  void schemaOwnerMigratesWithoutDatabaseCreate(Vertx vertx, VertxTestContext ctx) {
    Settings settings = SharedInfrastructure.settings();
    String role = "owner_" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
    String password = UUID.randomUUID().toString();
    URI admin = URI.create(settings.get("pg.uri"));
    Settings asRole = settings.with(Map.of("pg.uri", admin.getScheme() + "://" + role + "@" + admin.getHost() + ":"
        + admin.getPort() + admin.getPath(), "pg.password", password));
    Pool superuser = PgBuilder.pool().connectingTo(Database.connectOptions(settings, "public")).using(vertx).build();
    superuser.query("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'").execute()
        .compose(v -> superuser.query("CREATE SCHEMA " + role + " AUTHORIZATION " + role).execute())
        .compose(v -> Database.open(vertx, asRole, role))
        .compose(pool -> pool.query("SELECT count(*) FROM schema_version").execute().eventually(() -> pool.close()))
        .eventually(() -> superuser.close())
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(rows.iterator().next().getLong(0)).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("Strato's topics are created with compaction on host-state, and carry records end to end")
  void topicsAreCreatedAndCarryRecords(Vertx vertx, VertxTestContext ctx) {
    Settings settings = SharedInfrastructure.settings();
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "probe-" + System.nanoTime()));
    consumer.handler(record -> {
      if (record.key().equals("probe")) ctx.verify(() -> {
        assertThat(record.value()).isEqualTo("{\"hello\":1}");
        ctx.completeNow();
      });
    });
    TopicCreator.ensure(vertx, settings)
        .compose(v -> TopicCreator.ensure(vertx, settings))
        .compose(v -> KafkaAdminClient.create(vertx, KafkaSettings.admin(settings))
            .describeTopics(List.of(Topics.HOST_STATE)))
        .compose(d -> consumer.subscribe(Topics.INSTANCE_EVENTS))
        .compose(v -> KafkaProducer.<String, String>create(vertx, KafkaSettings.producer(settings, "probe"))
            .send(KafkaProducerRecord.create(Topics.INSTANCE_EVENTS, "probe", "{\"hello\":1}")))
        .onFailure(ctx::failNow);
  }
}
