package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** changePassword, os-migrateLive and evacuate: validated and checked as Nova does, then refused with its answers. */
@ExtendWith(SharedInfrastructure.class)
class UnsupportedActionsTest {
  private static TestCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
  }

  /** A compute host whose agent reported just now, as the conductor records it. */
  private static String host() {
    String host = "unsup-" + UUID.randomUUID().toString().substring(0, 8);
    TestCloud.await(cloud.nova().preparedQuery("INSERT INTO compute_nodes(host, availability_zone, hypervisor_type,"
        + " hypervisor_version, enabled, vcpus, vcpus_used, memory_mb, memory_mb_used, local_gb, local_gb_used,"
        + " running_vms, current_workload, reported_at) VALUES ($1, 'nova', 'QEMU', 1, true, 8, 0, 4096, 0, 40, 0, 0,"
        + " 0, now())").execute(Tuple.of(host)));
    return host;
  }

  private static String server(String token, String vmState, String host) {
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", token, cloud.server("unsupported")).bodyAsJsonObject()
        .getJsonObject("server").getString("id");
    cloud.settle(id, vmState, host);
    return id;
  }

  private static HttpResponse<Buffer> act(String id, String token, String action, Object args, String version) {
    return cloud.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + id + "/action", token,
        new JsonObject().put(action, args), Map.of("OpenStack-API-Version", "compute " + version));
  }

  private static JsonObject server(String id, String token) {
    return cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, token, null).bodyAsJsonObject().getJsonObject("server");
  }

  /** The instance action of the latest request with its events. */
  private static JsonObject lastAction(String id, String token) {
    JsonObject latest = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id + "/os-instance-actions", token, null)
        .bodyAsJsonObject().getJsonArray("instanceActions").getJsonObject(0);
    return cloud.call(HttpMethod.GET, "/v2.1/servers/" + id + "/os-instance-actions/" + latest.getString("request_id"),
        token, null).bodyAsJsonObject().getJsonObject("instanceAction");
  }

  private static void assertFailedAction(String id, String token, String action, String event, String detail) {
    JsonObject a = lastAction(id, token);
    assertThat(a.getString("action")).isEqualTo(action);
    assertThat(a.getString("message")).isEqualTo("Error");
    JsonObject e = a.getJsonArray("events").getJsonObject(0);
    assertThat(e.getString("event")).isEqualTo(event);
    assertThat(e.getString("result")).isEqualTo("Error");
    assertThat(e.getString("traceback")).contains(detail);
  }

  @Test
  @DisplayName("changePassword: 409 'QEMU guest agent is not enabled' with the action in error and the server as it"
      + " was; 400 without adminPass, 409 on a stopped server, 403 for a reader, 404 for another project")
  void changePassword() {
    var member = cloud.newProject("chpass");
    String t = member.token();
    String id = server(t, "active", host());
    JsonObject pass = new JsonObject().put("adminPass", "s3cret-pass");

    assertFault(act(id, t, "changePassword", new JsonObject(), "2.1"), 400, "badRequest", "adminPass");
    assertFault(act(id, t, "changePassword", pass.copy().put("x", 1), "2.1"), 400, "badRequest", "x");
    assertFault(act(id, cloud.identity.reader(member.projectId()), "changePassword", pass, "2.1"), 403, "forbidden",
        "os_compute_api:os-admin-password");
    assertFault(act(id, cloud.newProject("chpass-other").token(), "changePassword", pass, "2.1"), 404,
        "itemNotFound", "could not be found");

    assertFault(act(id, t, "changePassword", pass, "2.1"), 409, "conflictingRequest",
        "QEMU guest agent is not enabled");
    assertFailedAction(id, t, "changePassword", "compute_set_admin_password", "QEMU guest agent is not enabled");
    JsonObject after = server(id, t);
    assertThat(after.getString("status")).isEqualTo("ACTIVE");
    assertThat(after.getValue("OS-EXT-STS:task_state")).isNull();

    String stopped = server(t, "stopped", host());
    assertFault(act(stopped, t, "changePassword", pass, "2.1"), 409, "conflictingRequest",
        "Cannot 'changePassword' instance");
  }

  @Test
  @DisplayName("os-migrateLive: admin only (403), Nova's schema per microversion (400), the current or an unknown"
      + " host 400, otherwise 400 'Migration pre-check error' with the live-migration action in error")
  void liveMigrate() {
    var member = cloud.newProject("livemig");
    String source = host();
    String id = server(member.token(), "active", source);
    String admin = cloud.adminToken();
    JsonObject auto = new JsonObject().put("block_migration", "auto").putNull("host");

    assertFault(act(id, member.token(), "os-migrateLive", auto, "2.25"), 403, "forbidden",
        "os_compute_api:os-migrate-server:migrate_live");
    assertFault(act(id, admin, "os-migrateLive", new JsonObject().put("block_migration", "auto"), "2.25"), 400,
        "badRequest", "'host' is a required property");
    assertFault(act(id, admin, "os-migrateLive", auto, "2.24"), 400, "badRequest", "disk_over_commit");
    assertFault(act(id, admin, "os-migrateLive", auto.copy().put("host", source), "2.25"), 400, "badRequest",
        "to current host");
    assertFault(act(id, admin, "os-migrateLive", auto.copy().put("host", "nowhere"), "2.25"), 400, "badRequest",
        "Compute host nowhere could not be found.");

    assertFault(act(id, admin, "os-migrateLive", auto.copy().put("host", host()), "2.25"), 400, "badRequest",
        "Migration pre-check error");
    assertFault(act(id, admin, "os-migrateLive", new JsonObject().put("block_migration", false)
        .put("disk_over_commit", false).putNull("host"), "2.1"), 400, "badRequest", "Migration pre-check error");
    assertFailedAction(id, admin, "live-migration", "conductor_live_migrate_instance", "live migration is not supported");
    assertThat(server(id, member.token()).getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  @DisplayName("evacuate: admin only (403), onSharedStorage required before 2.14 (400), the same or an unknown host"
      + " 400/404, a host that is up 400 'still in use', a host forced down 409 with the evacuate action in error")
  void evacuate() {
    var member = cloud.newProject("evac");
    String source = host();
    String id = server(member.token(), "active", source);
    String admin = cloud.adminToken();

    assertFault(act(id, member.token(), "evacuate", new JsonObject(), "2.14"), 403, "forbidden",
        "os_compute_api:os-evacuate");
    assertFault(act(id, admin, "evacuate", new JsonObject(), "2.1"), 400, "badRequest", "onSharedStorage");
    assertFault(act(id, admin, "evacuate", new JsonObject().put("onSharedStorage", false), "2.14"), 400, "badRequest",
        "onSharedStorage");
    assertFault(act(id, admin, "evacuate", new JsonObject().put("host", source), "2.14"), 400, "badRequest",
        "The target host can't be the same one.");
    assertFault(act(id, admin, "evacuate", new JsonObject().put("host", "nowhere"), "2.14"), 404, "itemNotFound",
        "Compute host nowhere could not be found.");
    assertFault(act(id, admin, "evacuate", new JsonObject(), "2.14"), 400, "badRequest",
        "Compute service of " + source + " is still in use.");

    TestCloud.await(cloud.nova().preparedQuery("UPDATE compute_nodes SET forced_down = true WHERE host = $1")
        .execute(Tuple.of(source)));
    assertFault(act(id, admin, "evacuate", new JsonObject().put("onSharedStorage", false), "2.1"), 409,
        "conflictingRequest", "not supported yet");
    assertFailedAction(id, admin, "evacuate", "conductor_rebuild_server", "not supported yet");
    assertThat(server(id, member.token()).getString("status")).isEqualTo("ACTIVE");
  }
}
