package io.strato.gateway;

import io.strato.testkit.InstanceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.Token;
import io.strato.common.auth.TokenCodec;
import io.strato.common.db.Database;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.common.messages.Notification;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch provisioning as a batch producer sees it, with the compute API alone (no scheduler or conductor, so servers
 * stay in BUILD): batches on {@code strato.boot-batches}, notifications on {@code strato.instance-events}, servers
 * through the compute API.
 */
@ExtendWith(SharedInfrastructure.class)
class BatchProvisioningTest {
  private static TestCloud cloud;
  private static InstanceEvents events;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    events = new InstanceEvents(cloud.vertx, cloud.settings);
    producer = KafkaProducer.create(cloud.vertx, KafkaSettings.producer(cloud.settings, "batch-test"));
  }

  private static BootBatch.Entry entry(String key, JsonObject server) {
    return new BootBatch.Entry(key, server, null);
  }

  private static BootBatch.Entry good(String key) {
    return entry(key, new JsonObject().put("name", key).put("imageRef", cloud.imageId).put("flavorRef", "1"));
  }

  private static BootBatch batch(TestIdentity.Member m, String token, List<BootBatch.Entry> entries) {
    return new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), "batch-" + UUID.randomUUID(),
        m.projectId(), m.userId(), new BootBatch.Credential("token", token), entries);
  }

  private static String send(String key, String value) {
    String requestId = "req-" + UUID.randomUUID();
    KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(Topics.BOOT_BATCHES, key, value);
    record.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(requestId)));
    TestCloud.await(producer.send(record));
    return requestId;
  }

  private static String send(BootBatch b) {
    return send(b.batchId(), b.toJson().encode());
  }

  private static List<JsonObject> servers(TestIdentity.Member m) {
    var list = cloud.call(HttpMethod.GET, "/v2.1/servers/detail", m.token(), null).bodyAsJsonObject()
        .getJsonArray("servers");
    return list.stream().map(o -> (JsonObject) o).toList();
  }

  private static Map<String, String> instanceByKey(List<Notification> starts) {
    return starts.stream().collect(Collectors.toMap(n -> n.payload().getString("idempotency_key"),
        n -> n.payload().getString("instance_id"), (a, b) -> {
          assertThat(a).as("one key, one instance").isEqualTo(b);
          return a;
        }));
  }

  @Test
  @DisplayName("a batch boots each entry as a server of its project, announced by instance.create.start with the"
      + " batch id, the idempotency key and the request id")
  void batchBootsEveryEntry() {
    var member = cloud.newProject("batch");
    BootBatch b = batch(member, member.token(), List.of(good("web-1"), good("web-2"), good("web-3")));
    String requestId = send(b);
    List<Notification> starts = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 3, "instance.create.start");
    assertThat(instanceByKey(starts)).containsOnlyKeys("web-1", "web-2", "web-3");
    assertThat(starts).allSatisfy(n -> {
      assertThat(n.requestId()).isEqualTo(requestId);
      assertThat(n.payload().getString("project_id")).isEqualTo(member.projectId());
      assertThat(n.payload().getString("state")).isEqualTo("building");
    });
    List<JsonObject> servers = servers(member);
    assertThat(servers).extracting(s -> s.getString("name")).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
    assertThat(servers).extracting(s -> s.getString("status")).containsOnly("BUILD");
    assertThat(servers).extracting(s -> s.getString("id")).containsExactlyInAnyOrderElementsOf(
        instanceByKey(starts).values());
  }

  @Test
  @DisplayName("the 60 entries of a batch are written in a few shared transactions, each announced with its own"
      + " server")
  void batchEntriesShareTransactions() {
    var member = cloud.newProject("batch-group");
    assertThat(cloud.call(HttpMethod.PUT, "/v2.1/os-quota-sets/" + member.projectId(), cloud.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("instances", -1).put("cores", -1))).statusCode())
        .isEqualTo(200);
    List<BootBatch.Entry> entries = IntStream.range(0, 60).mapToObj(i -> good("grouped-" + i)).toList();
    BootBatch b = batch(member, member.token(), entries);
    send(b);
    var started = instanceByKey(events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 60, "instance.create.start"));
    assertThat(new HashSet<>(started.values())).hasSize(60);
    Pool nova = TestCloud.await(Database.open(cloud.vertx, cloud.settings, "nova"));
    try {
      // Rows written by one transaction share its id (xmin): the number of distinct ones is the number of commits.
      long transactions = TestCloud.await(nova.preparedQuery("SELECT count(DISTINCT xmin::text) FROM instances"
          + " WHERE project_id = $1").execute(Tuple.of(member.projectId()))).iterator().next().getLong(0);
      assertThat(transactions).as("transactions for a batch of 60 entries").isLessThanOrEqualTo(5);
    } finally {
      TestCloud.await(nova.close());
    }
  }

  @Test
  @DisplayName("replaying a batch, or reusing its keys in another batch, never creates a second server: the known"
      + " server is announced again")
  void replayNeverDuplicates() {
    var member = cloud.newProject("replay");
    BootBatch b = batch(member, member.token(), List.of(good("db-1"), good("db-2")));
    send(b);
    var first = instanceByKey(events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 2, "first delivery"));
    send(b);
    send(b);
    var replayed = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 6, "two replays");
    assertThat(instanceByKey(replayed)).isEqualTo(first);

    BootBatch again = batch(member, member.token(), List.of(good("db-1"), good("db-2"), good("db-3")));
    send(again);
    var reused = instanceByKey(events.await(InstanceEvents.ofBatch(again.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 3, "the batch reusing keys"));
    assertThat(reused).containsEntry("db-1", first.get("db-1")).containsEntry("db-2", first.get("db-2"));

    List<JsonObject> servers = servers(member);
    assertThat(servers).extracting(s -> s.getString("name")).containsExactlyInAnyOrder("db-1", "db-2", "db-3");

    BootBatch other = new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), b.batchId(), b.projectId(),
        b.userId(), b.credential(), List.of(good("db-9")));
    send(other);
    Notification refused = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.BATCH_REFUSED)), 1, "batch.refused").get(0);
    assertThat(refused.payload().getString("reason")).contains("already used");
    assertThat(servers(member)).hasSize(3);
  }

  @Test
  @DisplayName("a batch whose token is forged, tampered, revoked or for another project is refused and reported,"
      + " and boots nothing")
  void forgedCredentialsAreRefused() {
    var victim = cloud.newProject("victim");
    var intruder = cloud.newProject("intruder");
    long now = System.currentTimeMillis();
    Token claims = new Token(victim.userId(), "x", "default", victim.projectId(), "x", "default",
        List.of(new Token.Role("r", "admin")), List.of("password"), now, now + 3_600_000, "forged-audit");
    String forged = TokenCodec.sign(claims, TokenCodec.newKeyPair().getPrivate());
    String good = victim.token();
    String tampered = good.substring(0, 10) + (good.charAt(10) == 'A' ? 'B' : 'A') + good.substring(11);

    var revokedOwner = cloud.newProject("revoked");
    String revoked = revokedOwner.token();
    assertThat(cloud.call(HttpMethod.DELETE, cloud.identity.port, "/v3/auth/tokens", cloud.adminToken(), null,
        Map.of("X-Subject-Token", revoked)).statusCode()).isEqualTo(204);
    long deadline = System.currentTimeMillis() + 20_000;
    while (cloud.call(HttpMethod.GET, "/v2.1/servers", revoked, null).statusCode() != 401) {
      assertThat(System.currentTimeMillis()).as("the gateway learns of the revocation").isLessThan(deadline);
      Thread.onSpinWait();
    }

    Map<BootBatch, String> expected = Map.of(
        batch(victim, forged, List.of(good("f-1"))), "not valid",
        batch(victim, tampered, List.of(good("t-1"))), "not valid",
        batch(victim, intruder.token(), List.of(good("i-1"))), "not scoped to project " + victim.projectId(),
        batch(revokedOwner, revoked, List.of(good("r-1"))), "revoked");
    expected.keySet().forEach(BatchProvisioningTest::send);
    send("not-json-" + UUID.randomUUID(), "{this is not json");
    for (var e : expected.entrySet()) {
      Notification refused = events.await(InstanceEvents.ofBatch(e.getKey().batchId())
          .and(InstanceEvents.type(Notification.BATCH_REFUSED)), 1, "batch.refused").get(0);
      assertThat(refused.priority()).isEqualTo("ERROR");
      assertThat(refused.payload().getString("reason")).contains(e.getValue());
      assertThat(events.all(InstanceEvents.ofBatch(e.getKey().batchId())
          .and(InstanceEvents.type(Notification.CREATE_START)))).isEmpty();
    }
    events.await(InstanceEvents.type(Notification.BATCH_REFUSED)
        .and(n -> n.payload().getString("batch_id").startsWith("not-json-")), 1, "refusal of a malformed batch");
    assertThat(servers(victim)).isEmpty();
    assertThat(servers(intruder)).isEmpty();
  }

  @Test
  @DisplayName("a bad entry (unknown flavor, invalid body, several servers, over quota) fails alone with its reason;"
      + " the other entries boot")
  void badEntriesFailAlone() {
    var member = cloud.newProject("bad");
    List<BootBatch.Entry> entries = new ArrayList<>();
    IntStream.rangeClosed(1, 9).forEach(i -> entries.add(good("ok-" + i)));
    entries.add(entry("flavor", new JsonObject().put("name", "x").put("imageRef", cloud.imageId)
        .put("flavorRef", "999")));
    entries.add(entry("noname", new JsonObject().put("imageRef", cloud.imageId).put("flavorRef", "1")));
    entries.add(entry("many", new JsonObject().put("name", "m").put("imageRef", cloud.imageId).put("flavorRef", "1")
        .put("max_count", 2)));
    entries.add(good("ok-10"));
    entries.add(good("ok-11")); // the project's quota is 10 instances
    BootBatch b = batch(member, member.token(), entries);
    send(b);
    var errors = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_ERROR)), 4, "instance.create.error").stream()
        .collect(Collectors.toMap(n -> n.payload().getString("idempotency_key"), n -> n.payload()));
    var starts = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 10, "instance.create.start");
    assertThat(errors.get("flavor").getJsonObject("fault").getString("message"))
        .isEqualTo("Flavor 999 could not be found.");
    assertThat(errors.get("noname").getJsonObject("fault").getString("message")).contains("'name'");
    assertThat(errors.get("many").getJsonObject("fault").getString("message")).contains("exactly one server");
    assertThat(errors.values()).allSatisfy(p -> assertThat(p.getString("instance_id")).isNull());
    List<String> overQuota = errors.keySet().stream().filter(k -> k.startsWith("ok-")).toList();
    assertThat(overQuota).hasSize(1);
    assertThat(errors.get(overQuota.get(0)).getJsonObject("fault").getString("message")).contains("Quota exceeded");
    assertThat(errors.get(overQuota.get(0)).getJsonObject("fault").getInteger("code")).isEqualTo(403);
    assertThat(instanceByKey(starts)).hasSize(10);
    assertThat(servers(member)).hasSize(10);
  }

  @Test
  @DisplayName("a batch whose entries are all refused ends at once: batch.end counts them")
  void allRefusedBatchEnds() {
    var member = cloud.newProject("refused");
    BootBatch b = batch(member, member.token(), List.of(
        entry("a", new JsonObject().put("name", "a").put("imageRef", cloud.imageId).put("flavorRef", "nope")),
        entry("b", new JsonObject().put("name", "b"))));
    send(b);
    Notification end = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.BATCH_END)), 1, "batch.end").get(0);
    assertThat(end.payload().getInteger("entries")).isEqualTo(2);
    assertThat(end.payload().getInteger("refused")).isEqualTo(2);
    assertThat(end.payload().getInteger("active")).isZero();
    send(b);
    events.await(InstanceEvents.ofBatch(b.batchId()).and(InstanceEvents.type(Notification.CREATE_ERROR)), 4,
        "the replay's refusals, announced again");
    assertThat(events.all(InstanceEvents.ofBatch(b.batchId()).and(InstanceEvents.type(Notification.BATCH_END))))
        .as("a batch ends once").hasSize(1);
  }

  @Test
  @DisplayName("deleting a batch's servers before any host took them sends instance.delete.end and ends the batch")
  void deletedBeforeBuildEndsTheBatch() {
    var member = cloud.newProject("deleted");
    BootBatch b = batch(member, member.token(), List.of(good("d-1"), good("d-2")));
    send(b);
    var ids = instanceByKey(events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_START)), 2, "instance.create.start"));
    ids.values().forEach(id -> assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/servers/" + id, member.token(), null)
        .statusCode()).isEqualTo(204));
    var deleted = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.DELETE_END)), 2, "instance.delete.end");
    assertThat(deleted).extracting(n -> n.payload().getString("instance_id"))
        .containsExactlyInAnyOrderElementsOf(ids.values());
    Notification end = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.BATCH_END)), 1, "batch.end").get(0);
    assertThat(end.payload().getInteger("deleted")).isEqualTo(2);
    assertThat(end.payload().getInteger("entries")).isEqualTo(2);
    assertThat(Set.of(end.requestId())).doesNotContainNull();
  }
}
