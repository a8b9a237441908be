package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.ServiceStatus;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Pool;
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
 * {@code /os-services} before 2.53: the admin lists the compute hosts' services, disables (with a reason), enables
 * and forces them down, and deletes a service without servers; each switch reaches the schedulers on
 * {@code strato.service-state}.
 */
@ExtendWith(SharedInfrastructure.class)
class ServicesApiTest {
  private static final Map<String, String> V211 = Map.of("OpenStack-API-Version", "compute 2.11");
  private static TestCloud cloud;
  private static Pool pool;
  private static KafkaConsumer<String, String> consumer;
  private static final ConcurrentLinkedQueue<ServiceStatus> switches = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    pool = cloud.nova();
    consumer = KafkaConsumer.create(cloud.vertx, KafkaSettings.consumer(cloud.settings, "services-" + UUID.randomUUID()));
    consumer.handler(r -> switches.add(ServiceStatus.fromJson(new JsonObject(r.value()))));
    TestCloud.await(consumer.subscribe(Topics.SERVICE_STATE));
  }

  @AfterAll
  static void stop() {
    if (consumer != null) TestCloud.await(consumer.close());
  }

  /** A compute host as the conductor records it from its agent's report. */
  private static String host() {
    String host = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    TestCloud.await(pool.preparedQuery("INSERT INTO compute_nodes(host, availability_zone, hypervisor_type,"
        + " hypervisor_version, enabled, vcpus, vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used,"
        + " running_vms, current_workload, reported_at) VALUES ($1, 'nova', 'QEMU', 1, true, 8, 0, 4096, 0, 40, 0, 0,"
        + " 0, now())").execute(Tuple.of(host)));
    return host;
  }

  private static HttpResponse<Buffer> put(String action, JsonObject body, Map<String, String> headers) {
    return cloud.call(HttpMethod.PUT, cloud.computePort, "/v2.1/os-services/" + action, cloud.adminToken(), body,
        headers);
  }

  private static JsonObject service(String host, Map<String, String> headers) {
    var resp = cloud.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-services?host=" + host, cloud.adminToken(),
        null, headers);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    assertThat(resp.bodyAsJsonObject().getJsonArray("services")).hasSize(1);
    return resp.bodyAsJsonObject().getJsonArray("services").getJsonObject(0);
  }

  private static void awaitSwitch(Predicate<ServiceStatus> wanted) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (switches.stream().noneMatch(wanted)) {
      assertThat(System.currentTimeMillis()).as("service status on " + Topics.SERVICE_STATE).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static JsonObject hostBody(String host) {
    return new JsonObject().put("host", host).put("binary", "nova-compute");
  }

  @Test
  @DisplayName("an admin lists the nova-compute services, disables one with a reason, forces it down (2.11) and"
      + " enables it again; each switch is shown and published for the schedulers")
  void switches() throws InterruptedException {
    String host = host();
    JsonObject listed = service(host, Map.of());
    assertThat(listed.getString("binary")).isEqualTo("nova-compute");
    assertThat(listed.getString("status")).isEqualTo("enabled");
    assertThat(listed.getString("state")).isEqualTo("up");
    assertThat(listed.getString("zone")).isEqualTo("nova");
    assertThat(listed.getValue("id")).isInstanceOf(Number.class);
    assertThat(listed.containsKey("forced_down")).as("forced_down from 2.11").isFalse();

    var disabled = put("disable-log-reason", hostBody(host).put("disabled_reason", "maintenance"), Map.of());
    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);
    assertThat(disabled.bodyAsJsonObject().getJsonObject("service")).isEqualTo(hostBody(host)
        .put("status", "disabled").put("disabled_reason", "maintenance"));
    assertThat(service(host, Map.of()).getString("status")).isEqualTo("disabled");
    assertThat(service(host, Map.of()).getString("disabled_reason")).isEqualTo("maintenance");
    awaitSwitch(s -> s.host().equals(host) && s.disabled() && "maintenance".equals(s.disabledReason()));

    var down = put("force-down", hostBody(host).put("forced_down", true), V211);
    assertThat(down.statusCode()).as(down.bodyAsString()).isEqualTo(200);
    assertThat(down.bodyAsJsonObject().getJsonObject("service").getBoolean("forced_down")).isTrue();
    JsonObject forced = service(host, V211);
    assertThat(forced.getBoolean("forced_down")).isTrue();
    assertThat(forced.getString("state")).isEqualTo("down");
    awaitSwitch(s -> s.host().equals(host) && s.forcedDown() && !s.takesNewInstances());
    assertThat(put("force-down", hostBody(host).put("forced_down", false), V211).statusCode()).isEqualTo(200);

    var enabled = put("enable", hostBody(host), Map.of());
    assertThat(enabled.statusCode()).isEqualTo(200);
    assertThat(enabled.bodyAsJsonObject().getJsonObject("service").getString("status")).isEqualTo("enabled");
    JsonObject back = service(host, V211);
    assertThat(back.getString("status")).isEqualTo("enabled");
    assertThat(back.getString("state")).isEqualTo("up");
    assertThat(back.getValue("disabled_reason")).isNull();
    awaitSwitch(s -> s.host().equals(host) && s.takesNewInstances() && s.disabledReason() == null);

    var members = cloud.call(HttpMethod.GET, "/v2.1/os-services", cloud.newProject("svc").token(), null);
    assertFault(members, 403, "forbidden", "Policy doesn't allow os_compute_api:os-services:list to be performed.");
  }

  @Test
  @DisplayName("os-services refuses bad bodies (400), unknown hosts, binaries, actions and ids (404), force-down before"
      + " 2.11 (404), and the delete of a service hosting servers (409); an empty service is deleted (204)")
  void refusals() {
    String host = host();
    assertFault(put("disable", new JsonObject().put("binary", "nova-compute"), Map.of()), 400, "badRequest", "host");
    assertFault(put("disable", hostBody(host).put("forced_down", true), Map.of()), 400, "badRequest", "forced_down");
    assertFault(put("disable-log-reason", hostBody(host).put("disabled_reason", "x".repeat(256)), Map.of()), 400,
        "badRequest", "disabled_reason");
    assertFault(put("disable-log-reason", hostBody(host), Map.of()), 400, "badRequest", "Missing disabled reason field");
    assertFault(put("force-down", hostBody(host).put("forced_down", "yes"), V211), 400, "badRequest", "forced_down");
    assertFault(put("force-down", hostBody(host).put("forced_down", true), Map.of()), 404, "itemNotFound",
        "Unknown action");
    assertFault(put("reboot", hostBody(host), Map.of()), 404, "itemNotFound", "Unknown action");
    assertFault(put("disable", hostBody("no-such-host"), Map.of()), 404, "itemNotFound", "could not be found");
    assertFault(put("disable", hostBody(host).put("binary", "nova-scheduler"), Map.of()), 404, "itemNotFound",
        "could not be found");
    assertThat(service(host, Map.of()).getString("status")).as("nothing changed").isEqualTo("enabled");

    long id = service(host, Map.of()).getLong("id");
    var member = cloud.newProject("svc-del");
    String server = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("on-host"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    cloud.settle(server, "active", host);
    String admin = cloud.adminToken();
    assertFault(cloud.call(HttpMethod.DELETE, "/v2.1/os-services/" + id, admin, null), 409, "conflictingRequest",
        "hosting instances");
    TestCloud.await(pool.preparedQuery("UPDATE instances SET host = NULL WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(server))));
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/os-services/" + id, admin, null).statusCode()).isEqualTo(204);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/os-services?host=" + host, admin, null).bodyAsJsonObject()
        .getJsonArray("services")).isEmpty();
    assertFault(cloud.call(HttpMethod.DELETE, "/v2.1/os-services/" + id, admin, null), 404, "itemNotFound", "not found");
    assertFault(cloud.call(HttpMethod.DELETE, "/v2.1/os-services/abc", admin, null), 404, "itemNotFound", "not found");
  }

  @Test
  @DisplayName("from 2.53 services have UUID ids: PUT /os-services/{id} disables with a reason, forces down and"
      + " enables in one body each, DELETE /os-services/{id} removes an empty service; bad bodies 400, a member 403")
  void byUuidFrom253() throws InterruptedException {
    Map<String, String> v253 = Map.of("OpenStack-API-Version", "compute 2.53");
    String host = host();
    JsonObject listed = service(host, v253);
    String id = listed.getString("id");
    assertThat(UUID.fromString(id)).isNotNull();
    assertThat(listed.getBoolean("forced_down")).isFalse();

    var disabled = put(id, new JsonObject().put("status", "disabled").put("disabled_reason", "maintenance"), v253);
    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);
    JsonObject shown = disabled.bodyAsJsonObject().getJsonObject("service");
    assertThat(shown.getString("id")).isEqualTo(id);
    assertThat(shown.getString("status")).isEqualTo("disabled");
    assertThat(shown.getString("disabled_reason")).isEqualTo("maintenance");
    assertThat(shown.getString("host")).isEqualTo(host);
    awaitSwitch(s -> s.host().equals(host) && s.disabled() && "maintenance".equals(s.disabledReason()));

    var down = put(id, new JsonObject().put("forced_down", true), v253);
    assertThat(down.statusCode()).as(down.bodyAsString()).isEqualTo(200);
    assertThat(down.bodyAsJsonObject().getJsonObject("service").getString("state")).isEqualTo("down");
    assertThat(down.bodyAsJsonObject().getJsonObject("service").getString("status")).as("still disabled")
        .isEqualTo("disabled");
    awaitSwitch(s -> s.host().equals(host) && s.forcedDown() && s.disabled());

    var up = put(id, new JsonObject().put("status", "enabled").put("forced_down", false), v253);
    assertThat(up.statusCode()).isEqualTo(200);
    JsonObject back = service(host, v253);
    assertThat(back.getString("status")).isEqualTo("enabled");
    assertThat(back.getValue("disabled_reason")).isNull();
    assertThat(back.getString("state")).isEqualTo("up");
    awaitSwitch(s -> s.host().equals(host) && s.takesNewInstances() && s.disabledReason() == null);

    assertFault(put(id, new JsonObject(), v253), 400, "badRequest", "No updates were requested");
    assertFault(put(id, new JsonObject().put("status", "enabled").put("disabled_reason", "x"), v253), 400,
        "badRequest", "disabled_reason");
    assertFault(put(id, new JsonObject().put("status", "off"), v253), 400, "badRequest", "status");
    assertFault(put(id, new JsonObject().put("forced_down", "yes"), v253), 400, "badRequest", "forced_down");
    assertFault(put(id, new JsonObject().put("status", "disabled").put("host", host), v253), 400, "badRequest",
        "host");
    assertFault(put("disable", hostBody(host), v253), 400, "badRequest", "Invalid uuid disable");
    assertFault(put(UUID.randomUUID().toString(), new JsonObject().put("status", "disabled"), v253), 404,
        "itemNotFound", "not found");
    var member = cloud.call(HttpMethod.PUT, cloud.computePort, "/v2.1/os-services/" + id,
        cloud.newProject("svc253").token(), new JsonObject().put("status", "disabled"), v253);
    assertFault(member, 403, "forbidden", "os_compute_api:os-services:update");

    String admin = cloud.adminToken();
    assertFault(cloud.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/os-services/12", admin, null, v253), 400,
        "badRequest", "Invalid uuid 12");
    assertThat(cloud.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/os-services/" + id, admin, null, v253)
        .statusCode()).isEqualTo(204);
    assertFault(cloud.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/os-services/" + id, admin, null, v253), 404,
        "itemNotFound", "not found");
  }
}
