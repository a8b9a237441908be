package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.WriteWalk;
import io.strato.testkit.WriteWalk.Write;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every write of the compute API refuses a reader of the owning project (403 "Policy doesn't allow ... to be
 * performed."), a member of another project (404 for the owner's servers, key pairs and server groups; 403 for
 * admin-only APIs), and callers without a valid token (401), and leaves the owner's servers, key pairs, server
 * groups, quotas and the flavors exactly as they were.
 */
@ExtendWith(SharedInfrastructure.class)
class ComputeWritePolicyTest {
  private static final Map<String, String> V226 = Map.of("OpenStack-API-Version", "compute 2.26");

  @TestFactory
  Stream<DynamicContainer> writesRefuseReadersOtherProjectsAndBadTokens() {
    TestCloud cloud = TestCloud.get();
    TestIdentity identity = cloud.identity;
    TestIdentity.Member owner = identity.newProject("owner");
    String p = owner.projectId();
    String server = "/v2.1/servers/" + created(cloud.call(HttpMethod.POST, "/v2.1/servers", owner.token(),
        cloud.server("owned")), "server").getString("id");
    created(cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", owner.token(), new JsonObject().put("keypair",
        new JsonObject().put("name", "owned"))), "keypair");
    String group = "/v2.1/os-server-groups/" + created(cloud.call(HttpMethod.POST, "/v2.1/os-server-groups",
        owner.token(), new JsonObject().put("server_group", new JsonObject().put("name", "owned")
            .put("policies", List.of("anti-affinity")))), "server_group").getString("id");

    JsonObject flavor = new JsonObject().put("flavor", new JsonObject().put("name", "intruder").put("ram", 64)
        .put("vcpus", 1).put("disk", 1));
    List<Write> writes = List.of(
        new Write("create server", HttpMethod.POST, "/v2.1/servers", cloud.server("intruder"), 0),
        new Write("update server", HttpMethod.PUT, server, new JsonObject().put("server", new JsonObject()
            .put("name", "intruder")), 404),
        new Write("delete server", HttpMethod.DELETE, server, null, 404),
        action(server, "reboot", new JsonObject().put("type", "HARD")),
        action(server, "os-stop", null),
        action(server, "os-start", null),
        action(server, "os-getConsoleOutput", new JsonObject()),
        action(server, "pause", null),
        action(server, "unpause", null),
        action(server, "suspend", null),
        action(server, "resume", null),
        action(server, "lock", null),
        action(server, "unlock", null),
        action(server, "createImage", new JsonObject().put("name", "intruder")),
        action(server, "rebuild", new JsonObject().put("imageRef", UUID.randomUUID().toString())),
        action(server, "changePassword", new JsonObject().put("adminPass", "intruder")),
        new Write("os-migrateLive", HttpMethod.POST, server + "/action", new JsonObject().put("os-migrateLive",
            new JsonObject().put("block_migration", false).put("disk_over_commit", false).putNull("host")), 403),
        new Write("evacuate", HttpMethod.POST, server + "/action", new JsonObject().put("evacuate",
            new JsonObject().put("onSharedStorage", false)), 403),
        new Write("merge server metadata", HttpMethod.POST, server + "/metadata", new JsonObject().put("metadata",
            new JsonObject().put("intruder", "1")), 404),
        new Write("replace server metadata", HttpMethod.PUT, server + "/metadata", new JsonObject().put("metadata",
            new JsonObject()), 404),
        new Write("set one metadata item", HttpMethod.PUT, server + "/metadata/k", new JsonObject().put("meta",
            new JsonObject().put("k", "intruder")), 404),
        new Write("delete one metadata item", HttpMethod.DELETE, server + "/metadata/k", null, 404),
        new Write("replace server tags", HttpMethod.PUT, server + "/tags", new JsonObject().put("tags",
            List.of("intruder")), V226, 404),
        new Write("delete server tags", HttpMethod.DELETE, server + "/tags", null, V226, 404),
        new Write("add one tag", HttpMethod.PUT, server + "/tags/intruder", null, V226, 404),
        new Write("delete one tag", HttpMethod.DELETE, server + "/tags/t", null, V226, 404),
        new Write("attach a volume", HttpMethod.POST, server + "/os-volume_attachments", new JsonObject()
            .put("volumeAttachment", new JsonObject().put("volumeId", "6c8f2b7e-0d4a-4e55-9a1b-3f2e4d5c6b7a")), 404),
        new Write("detach a volume", HttpMethod.DELETE, server
            + "/os-volume_attachments/6c8f2b7e-0d4a-4e55-9a1b-3f2e4d5c6b7a", null, 404),
        new Write("create key pair", HttpMethod.POST, "/v2.1/os-keypairs", new JsonObject().put("keypair",
            new JsonObject().put("name", "intruder")), 0),
        new Write("delete key pair", HttpMethod.DELETE, "/v2.1/os-keypairs/owned", null, 404),
        new Write("create server group", HttpMethod.POST, "/v2.1/os-server-groups", new JsonObject()
            .put("server_group", new JsonObject().put("name", "intruder").put("policies", List.of("affinity"))), 0),
        new Write("delete server group", HttpMethod.DELETE, group, null, 404),
        new Write("disable a compute service", HttpMethod.PUT, "/v2.1/os-services/disable-log-reason",
            new JsonObject().put("host", "any").put("binary", "nova-compute").put("disabled_reason", "x"), 403),
        new Write("enable a compute service", HttpMethod.PUT, "/v2.1/os-services/enable", new JsonObject()
            .put("host", "any").put("binary", "nova-compute"), 403),
        new Write("delete a compute service", HttpMethod.DELETE, "/v2.1/os-services/1", null, 403),
        new Write("create flavor", HttpMethod.POST, "/v2.1/flavors", flavor, 403),
        new Write("delete flavor", HttpMethod.DELETE, "/v2.1/flavors/1", null, 403),
        new Write("set extra specs", HttpMethod.POST, "/v2.1/flavors/1/os-extra_specs", new JsonObject()
            .put("extra_specs", new JsonObject().put("hw:intruder", "1")), 403),
        new Write("set one extra spec", HttpMethod.PUT, "/v2.1/flavors/1/os-extra_specs/hw:intruder",
            new JsonObject().put("hw:intruder", "1"), 403),
        new Write("delete extra spec", HttpMethod.DELETE, "/v2.1/flavors/1/os-extra_specs/hw:intruder", null, 403),
        new Write("update quotas", HttpMethod.PUT, "/v2.1/os-quota-sets/" + p, new JsonObject().put("quota_set",
            new JsonObject().put("instances", 1)), 403),
        new Write("revert quotas", HttpMethod.DELETE, "/v2.1/os-quota-sets/" + p, null, 403));

    String admin = identity.adminToken();
    return new WriteWalk(identity, cloud.computePort, owner, WriteWalk.compute(),
        "Policy doesn't allow [A-Za-z0-9_:-]+ to be performed")
        .walk(writes, () -> List.of(
            cloud.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/detail", owner.token(), null, V226)
                .bodyAsJsonObject(),
            cloud.call(HttpMethod.GET, "/v2.1/os-keypairs", owner.token(), null).bodyAsJsonObject(),
            cloud.call(HttpMethod.GET, "/v2.1/os-server-groups", owner.token(), null).bodyAsJsonObject(),
            cloud.call(HttpMethod.GET, "/v2.1/flavors/detail?is_public=None", admin, null).bodyAsJsonObject(),
            cloud.call(HttpMethod.GET, "/v2.1/flavors/1/os-extra_specs", admin, null).bodyAsJsonObject(),
            cloud.call(HttpMethod.GET, "/v2.1/os-quota-sets/" + p, admin, null).bodyAsJsonObject()));
  }

  private static Write action(String server, String name, JsonObject args) {
    return new Write(name, HttpMethod.POST, server + "/action", new JsonObject().put(name, args), Map.of(), 404);
  }

  private static JsonObject created(HttpResponse<Buffer> resp, String member) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isIn(200, 201, 202);
    return resp.bodyAsJsonObject().getJsonObject(member);
  }
}
