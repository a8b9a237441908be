package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.HostAggregates;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /os-aggregates} as Nova answers it (admin only): create, list, show, update, delete, add and remove hosts,
 * set metadata; an aggregate's {@code availability_zone} makes a zone that {@code os-availability-zone},
 * {@code os-services} and server create know, and every change of a host's aggregates reaches the schedulers.
 */
@ExtendWith(SharedInfrastructure.class)
class AggregatesApiTest {
  private static final Map<String, String> V241 = Map.of("OpenStack-API-Version", "compute 2.41");
  private static TestCloud cloud;
  private static KafkaConsumer<String, String> consumer;
  private static final ConcurrentLinkedQueue<HostAggregates> published = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    consumer = KafkaConsumer.create(cloud.vertx, KafkaSettings.consumer(cloud.settings, "aggs-" + UUID.randomUUID()));
    consumer.handler(r -> {
      JsonObject j = new JsonObject(r.value());
      if (HostAggregates.isOne(j)) published.add(HostAggregates.fromJson(j));
    });
    TestCloud.await(consumer.subscribe(Topics.SERVICE_STATE));
  }

  @AfterAll
  static void stop() {
    if (consumer != null) TestCloud.await(consumer.close());
  }

  private static String host() {
    String host = "agg-" + UUID.randomUUID().toString().substring(0, 8);
    TestCloud.await(cloud.nova().preparedQuery("INSERT INTO compute_nodes(host, availability_zone, hypervisor_type,"
        + " hypervisor_version, enabled, vcpus, vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used,"
        + " running_vms, current_workload, reported_at) VALUES ($1, 'nova', 'QEMU', 1, true, 8, 0, 4096, 0, 40, 0, 0,"
        + " 0, now())").execute(Tuple.of(host)));
    return host;
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, Object body) {
    return cloud.call(method, cloud.computePort, "/v2.1" + path, cloud.adminToken(), body, V241);
  }

  private static JsonObject ok(HttpResponse<Buffer> resp) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("aggregate");
  }

  private static JsonObject action(long id, String name, JsonObject args) {
    return new JsonObject().put(name, args);
  }

  private static void awaitPublished(Predicate<HostAggregates> wanted) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (published.stream().noneMatch(wanted)) {
      assertThat(System.currentTimeMillis()).as("host aggregates on " + Topics.SERVICE_STATE).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  @DisplayName("an admin makes an aggregate with a zone, adds a host, sets metadata and removes them again; the"
      + " zone is listed, the host shown in it, the schedulers told, and an empty aggregate deleted")
  void lifecycle() throws InterruptedException {
    String host = host();
    String zone = "az-" + UUID.randomUUID().toString().substring(0, 6);
    String name = "agg-" + UUID.randomUUID().toString().substring(0, 6);
    JsonObject created = ok(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", name).put("availability_zone", zone))));
    assertThat(created.fieldNames()).containsExactlyInAnyOrder("availability_zone", "created_at", "deleted",
        "deleted_at", "id", "name", "updated_at", "uuid");
    assertThat(created.getString("availability_zone")).isEqualTo(zone);
    long id = created.getLong("id");
    assertThat(UUID.fromString(created.getString("uuid"))).isNotNull();
    assertThat(ok(cloud.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-aggregates/" + id, cloud.adminToken(),
        null, Map.of())).containsKey("uuid")).as("uuid from 2.41").isFalse();

    JsonObject added = ok(call(HttpMethod.POST, "/os-aggregates/" + id + "/action",
        action(id, "add_host", new JsonObject().put("host", host))));
    assertThat(added.getJsonArray("hosts")).containsExactly(host);
    assertThat(added.getJsonObject("metadata")).isEqualTo(new JsonObject().put("availability_zone", zone));
    awaitPublished(p -> p.host().equals(host) && zone.equals(p.availabilityZone())
        && p.aggregates().size() == 1 && p.aggregates().get(0).name().equals(name));

    JsonObject meta = ok(call(HttpMethod.POST, "/os-aggregates/" + id + "/action", action(id, "set_metadata",
        new JsonObject().put("metadata", new JsonObject().put("ssd", "true")))));
    assertThat(meta.getJsonObject("metadata")).isEqualTo(new JsonObject().put("availability_zone", zone)
        .put("ssd", "true"));
    awaitPublished(p -> p.host().equals(host) && "true".equals(p.aggregates().get(0).metadata().get("ssd")));
    JsonObject unset = ok(call(HttpMethod.POST, "/os-aggregates/" + id + "/action", action(id, "set_metadata",
        new JsonObject().put("metadata", new JsonObject().putNull("ssd")))));
    assertThat(unset.getJsonObject("metadata").containsKey("ssd")).isFalse();

    JsonArray zones = cloud.call(HttpMethod.GET, "/v2.1/os-availability-zone", cloud.newProject("az").token(), null)
        .bodyAsJsonObject().getJsonArray("availabilityZoneInfo");
    assertThat(zones.stream().map(z -> ((JsonObject) z).getString("zoneName"))).contains(zone, "nova");
    JsonArray detail = call(HttpMethod.GET, "/os-availability-zone/detail", null).bodyAsJsonObject()
        .getJsonArray("availabilityZoneInfo");
    JsonObject mine = detail.stream().map(z -> (JsonObject) z).filter(z -> z.getString("zoneName").equals(zone))
        .findFirst().orElseThrow();
    assertThat(mine.getJsonObject("hosts").fieldNames()).containsExactly(host);
    JsonObject service = call(HttpMethod.GET, "/os-services?host=" + host, null).bodyAsJsonObject()
        .getJsonArray("services").getJsonObject(0);
    assertThat(service.getString("zone")).isEqualTo(zone);

    var member = cloud.newProject("az-boot");
    JsonObject boot = cloud.server("in-zone");
    boot.getJsonObject("server").put("availability_zone", zone);
    var accepted = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), boot);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    boot.getJsonObject("server").put("availability_zone", "no-such-zone");
    assertFault(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), boot), 400, "badRequest",
        "The requested availability zone is not available");

    JsonObject renamed = ok(call(HttpMethod.PUT, "/os-aggregates/" + id, new JsonObject().put("aggregate",
        new JsonObject().put("name", name + "-2"))));
    assertThat(renamed.getString("name")).isEqualTo(name + "-2");
    assertThat(renamed.getString("updated_at")).isNotNull();

    assertFault(call(HttpMethod.DELETE, "/os-aggregates/" + id, null), 400, "badRequest", "not empty");
    JsonObject removed = ok(call(HttpMethod.POST, "/os-aggregates/" + id + "/action",
        action(id, "remove_host", new JsonObject().put("host", host))));
    assertThat(removed.getJsonArray("hosts")).isEmpty();
    awaitPublished(p -> p.host().equals(host) && p.aggregates().isEmpty() && p.availabilityZone() == null);
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + id + "/action",
        action(id, "remove_host", new JsonObject().put("host", host))), 404, "itemNotFound", "has no host");
    assertThat(call(HttpMethod.DELETE, "/os-aggregates/" + id, null).statusCode()).isEqualTo(200);
    assertFault(call(HttpMethod.GET, "/os-aggregates/" + id, null), 404, "itemNotFound", "could not be found");
    assertThat(call(HttpMethod.GET, "/os-aggregates", null).bodyAsJsonObject().getJsonArray("aggregates").stream()
        .map(a -> ((JsonObject) a).getLong("id"))).doesNotContain(id);
  }

  @Test
  @DisplayName("os-aggregates refuses members (403), bad ids and bodies (400), a taken name and a host in two"
      + " zones (409), unknown hosts and aggregates (404)")
  void refusals() {
    String host = host();
    String member = cloud.newProject("agg-member").token();
    assertFault(cloud.call(HttpMethod.GET, "/v2.1/os-aggregates", member, null), 403, "forbidden",
        "Policy doesn't allow os_compute_api:os-aggregates:index to be performed.");
    assertFault(cloud.call(HttpMethod.POST, "/v2.1/os-aggregates", member, new JsonObject().put("aggregate",
        new JsonObject().put("name", "x"))), 403, "forbidden", "os_compute_api:os-aggregates:create");

    String name = "agg-" + UUID.randomUUID().toString().substring(0, 6);
    long a = ok(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", name).put("availability_zone", "zone-a")))).getLong("id");
    long b = ok(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", name + "-b").put("availability_zone", "zone-b")))).getLong("id");
    assertFault(cloud.call(HttpMethod.POST, "/v2.1/os-aggregates/" + a + "/action", member, action(a, "add_host",
        new JsonObject().put("host", host))), 403, "forbidden", "os_compute_api:os-aggregates:add_host");

    assertFault(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", name))), 409, "conflictingRequest", "already exists");
    assertFault(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate", new JsonObject())), 400,
        "badRequest", "name");
    assertFault(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", "y").put("availability_zone", "a:b"))), 400, "badRequest", "availability_zone");
    assertFault(call(HttpMethod.POST, "/os-aggregates", new JsonObject().put("aggregate",
        new JsonObject().put("name", "y").put("hosts", new JsonArray()))), 400, "badRequest", "hosts");
    assertFault(call(HttpMethod.PUT, "/os-aggregates/" + a, new JsonObject().put("aggregate", new JsonObject())),
        400, "badRequest", "enough properties");
    assertFault(call(HttpMethod.GET, "/os-aggregates/abc", null), 400, "badRequest", "id must be an integer");
    assertFault(call(HttpMethod.GET, "/os-aggregates/999999999", null), 404, "itemNotFound", "could not be found");
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + a + "/action", new JsonObject().put("reboot",
        new JsonObject())), 400, "badRequest", "reboot");
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + a + "/action", action(a, "set_metadata",
        new JsonObject().put("metadata", new JsonObject().put("k", 5)))), 400, "badRequest", "k");
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + a + "/action", action(a, "add_host",
        new JsonObject().put("host", "no-such-host"))), 404, "itemNotFound", "Compute host no-such-host");

    ok(call(HttpMethod.POST, "/os-aggregates/" + a + "/action", action(a, "add_host",
        new JsonObject().put("host", host))));
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + a + "/action", action(a, "add_host",
        new JsonObject().put("host", host))), 409, "conflictingRequest", "already has host");
    assertFault(call(HttpMethod.POST, "/os-aggregates/" + b + "/action", action(b, "add_host",
        new JsonObject().put("host", host))), 409, "conflictingRequest", "already in availability zone");
    assertFault(call(HttpMethod.PUT, "/os-aggregates/" + a, new JsonObject().put("aggregate",
        new JsonObject().put("name", name + "-b"))), 409, "conflictingRequest", "already exists");
  }
}
