package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The conductor applies the updates that arrive together in one transaction, with the same outcome as one by one,
 * and a poison record among them fails alone.
 */
@ExtendWith(SharedInfrastructure.class)
class BatchedUpdatesTest {
  private static final int UPDATES = 10; // a project's default instance quota
  private static TestIdentity identity;
  private static Settings settings;
  private static int computePort;
  private static String imageId;
  private static KafkaProducer<String, String> producer;
  private static Pool nova;

  @BeforeAll
  static void start() throws Exception {
    ComputeSide side = ComputeSide.get();
    identity = side.identity;
    computePort = side.computePort;
    settings = side.settings;
    imageId = side.imageId;
    producer = side.producer("batched-updates-test");
    nova = side.nova;
  }

  private record Server(String id, String requestId) {}

  private static Server boot(TestIdentity.Member member, String name) {
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", name).put("imageRef", imageId).put("flavorRef", "1")), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return new Server(resp.bodyAsJsonObject().getJsonObject("server").getString("id"),
        resp.getHeader("x-openstack-request-id"));
  }

  /** The build's first step on {@code host}: scheduling ends (its action event), networking starts. */
  private static InstanceUpdate firstStep(Server s, String host) {
    return InstanceUpdate.step(new Origin(host, 1, s.requestId()), s.id(), TaskState.SCHEDULING,
        TaskState.NETWORKING, null);
  }

  /** Sends every update at once to partition 0, so the conductor reads them in one poll (or very few). */
  private static void sendTogether(List<String> keys, List<String> values) {
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      sent.add(producer.send(KafkaProducerRecord.create(Topics.INSTANCE_UPDATES, keys.get(i), values.get(i), null,
          0)));
    }
    TestIdentity.await(Future.all(sent));
  }

  private static JsonObject awaitServer(String id, Predicate<JsonObject> condition) throws Exception {
    return ComputeSide.get().awaitServer(id, condition);
  }

  private static Predicate<JsonObject> networkingOn(String host) {
    return s -> "networking".equals(s.getString("OS-EXT-STS:task_state"))
        && host.equals(s.getString("OS-EXT-SRV-ATTR:host"));
  }

  @Test
  @DisplayName("updates of 10 servers sent together are applied in a few transactions, each server showing its host,"
      + " task state and finished schedule event as if applied alone")
  void updatesSentTogetherShareATransaction() throws Exception {
    var member = identity.newProject("batched");
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) servers.add(boot(member, "batched-" + i));
    sendTogether(servers.stream().map(Server::id).toList(),
        servers.stream().map(s -> firstStep(s, "host-" + s.id().substring(0, 8)).toJson().encode()).toList());

    for (Server s : servers) awaitServer(s.id(), networkingOn("host-" + s.id().substring(0, 8)));
    UUID[] ids = servers.stream().map(s -> UUID.fromString(s.id())).toArray(UUID[]::new);
    // Rows written by one transaction share its id (xmin): the number of distinct ones is the number of commits.
    long transactions = TestIdentity.await(nova.preparedQuery("SELECT count(DISTINCT xmin::text) FROM instances"
        + " WHERE id = ANY($1)").execute(Tuple.of(ids))).iterator().next().getLong(0);
    assertThat(transactions).as("transactions for " + UPDATES + " updates sent together").isLessThanOrEqualTo(4);
    for (Row event : TestIdentity.await(nova.preparedQuery("SELECT e.result, e.host, e.finish_time"
        + " FROM instance_action_events e JOIN instance_actions a ON a.id = e.action_id"
        + " WHERE a.instance_id = ANY($1) AND e.event = 'schedule'").execute(Tuple.of(ids)))) {
      assertThat(event.getString("result")).isEqualTo("Success");
      assertThat(event.getString("host")).startsWith("host-");
      assertThat(event.getOffsetDateTime("finish_time")).isNotNull();
    }
    assertThat(TestIdentity.await(nova.preparedQuery("SELECT count(*) FROM instance_action_events e JOIN"
        + " instance_actions a ON a.id = e.action_id WHERE a.instance_id = ANY($1) AND e.event = 'schedule'")
        .execute(Tuple.of(ids))).iterator().next().getLong(0)).isEqualTo(UPDATES);
  }

  @Test
  @DisplayName("10 builds that end together show their three build steps each as action events, written in a few"
      + " statements rather than one per event")
  void buildStepsOfUpdatesSentTogetherShareAStatement() throws Exception {
    var member = identity.newProject("batched-steps");
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) servers.add(boot(member, "batched-steps-" + i));
    String host = "host-steps";
    List<String> ids = servers.stream().map(Server::id).toList();
    sendTogether(ids, servers.stream().map(s -> InstanceUpdate.buildStarted(new Origin(host, 1, s.requestId()), s.id())
        .toJson().encode()).toList());
    for (Server s : servers) {
      awaitServer(s.id(), x -> "spawning".equals(x.getString("OS-EXT-STS:task_state"))
          && host.equals(x.getString("OS-EXT-SRV-ATTR:host")));
    }
    long t = System.currentTimeMillis();
    List<InstanceUpdate.Step> steps = List.of(
        new InstanceUpdate.Step(TaskState.BLOCK_DEVICE_MAPPING.event(), t - 30, t - 20, "Success"),
        new InstanceUpdate.Step(TaskState.NETWORKING.event(), t - 20, t - 10, "Success"),
        new InstanceUpdate.Step(TaskState.SPAWNING.event(), t - 10, t, "Success"));
    sendTogether(ids, servers.stream().map(s -> InstanceUpdate.built(new Origin(host, 1, s.requestId()), s.id(),
        new JsonObject(), steps).toJson().encode()).toList());
    for (Server s : servers) awaitServer(s.id(), x -> "ACTIVE".equals(x.getString("status")));

    UUID[] uuids = servers.stream().map(s -> UUID.fromString(s.id())).toArray(UUID[]::new);
    String[] stepEvents = steps.stream().map(InstanceUpdate.Step::event).toArray(String[]::new);
    Row counts = TestIdentity.await(nova.preparedQuery("SELECT count(*) AS events, count(*) FILTER (WHERE"
        + " e.result = 'Success' AND e.host = $3 AND e.finish_time >= e.start_time) AS good,"
        // Rows written by one statement share its transaction (xmin) and its command id in it (cmin).
        + " count(DISTINCT (e.xmin::text, e.cmin::text)) AS statements FROM instance_action_events e"
        + " JOIN instance_actions a ON a.id = e.action_id WHERE a.instance_id = ANY($1) AND e.event = ANY($2)")
        .execute(Tuple.of(uuids, stepEvents, host))).iterator().next();
    assertThat(counts.getLong("events")).as("build step events").isEqualTo(3L * UPDATES);
    assertThat(counts.getLong("good")).as("step events with their result, host and times").isEqualTo(3L * UPDATES);
    assertThat(counts.getLong("statements")).as("statements that wrote " + 3 * UPDATES + " step events")
        .isLessThanOrEqualTo(4);
  }

  @Test
  @DisplayName("a poison update in the middle of updates sent together is dead-lettered and its server ends in ERROR,"
      + " while every other update applies")
  void poisonAmongUpdatesSentTogetherFailsAlone() throws Exception {
    var member = identity.newProject("batched-poison");
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) servers.add(boot(member, "batched-poison-" + i));
    int poison = UPDATES / 2;
    List<String> values = new ArrayList<>();
    for (int i = 0; i < UPDATES; i++) {
      Server s = servers.get(i);
      values.add(firstStep(s, i == poison ? "host-\u0000-nul" : "host-good").toJson().encode());
    }
    sendTogether(servers.stream().map(Server::id).toList(), values);

    for (int i = 0; i < UPDATES; i++) {
      if (i != poison) awaitServer(servers.get(i).id(), networkingOn("host-good"));
    }
    JsonObject failed = awaitServer(servers.get(poison).id(), s -> "ERROR".equals(s.getString("status")));
    assertThat(failed.getJsonObject("fault").getString("message")).contains("PostgreSQL");
  }

  @Test
  @DisplayName("two conductors applying updates of the same servers in opposite orders, both held up by a third"
      + " transaction, both commit: each server's update applies once and no transaction deadlocks")
  void oppositeOrdersDoNotDeadlock() throws Exception {
    List<Server> servers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      var member = identity.newProject("batched-order");
      for (int i = 0; i < UPDATES; i++) servers.add(boot(member, "batched-order-" + i));
    }
    servers.sort(java.util.Comparator.comparing(s -> UUID.fromString(s.id())));
    List<InstanceUpdate> forward = servers.stream().map(s -> firstStep(s, "host-order")).toList();
    List<InstanceUpdate> backward = new ArrayList<>(forward);
    java.util.Collections.reverse(backward);
    InstanceStates states = new InstanceStates(nova);

    // A third transaction holds the middle server's row, so both batches are under way when it lets go.
    var holder = TestIdentity.await(nova.getConnection());
    var hold = TestIdentity.await(holder.begin());
    TestIdentity.await(holder.preparedQuery("SELECT id FROM instances WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(UUID.fromString(servers.get(servers.size() / 2).id()))));
    Future<List<Boolean>> a = states.applyAll(forward);
    Future<List<Boolean>> b = states.applyAll(backward);
    long deadline = System.currentTimeMillis() + 10_000;
    while (TestIdentity.await(nova.query("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted").execute())
        .iterator().next().getLong(0) < 2) {
      assertThat(System.currentTimeMillis()).as("both batches waiting on a lock").isLessThan(deadline);
      Thread.sleep(20); // back-off between looks
    }
    TestIdentity.await(hold.commit());
    TestIdentity.await(holder.close());

    Throwable failedA = TestIdentity.await(a.map(x -> (Throwable) null).otherwise(e -> e));
    Throwable failedB = TestIdentity.await(b.map(x -> (Throwable) null).otherwise(e -> e));
    assertThat(failedA).as("the batch in instance order").isNull();
    assertThat(failedB).as("the batch in the opposite order").isNull();
    for (int i = 0; i < forward.size(); i++) {
      boolean byA = a.result().get(i);
      boolean byB = b.result().get(forward.size() - 1 - i);
      assertThat(byA ^ byB).as("update of " + servers.get(i).id() + " applied exactly once").isTrue();
    }
    for (Server s : servers) awaitServer(s.id(), networkingOn("host-order"));
  }
}
