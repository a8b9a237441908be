package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --config-drive true} on libvirt's test driver: the instance's folder holds an ISO9660 image labelled
 * {@code config-2} with the instance's own {@code meta_data.json} (its key) and {@code user_data}, read back with
 * {@code isoinfo} as a guest's mount would see it.
 */
@ExtendWith(SharedInfrastructure.class)
class ConfigDriveTest {
  @Test
  @DisplayName("a server created with config_drive true gets a config-2 ISO with its meta_data.json and user_data")
  void configDriveHoldsTheInstancesMetadata() throws Exception {
    Assumptions.assumeTrue(HostShell.run(5, "isoinfo", "-version").exit() != 127,
        "skipped: isoinfo (genisoimage) is not installed");
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    String host = "cfgdrive-" + UUID.randomUUID().toString().substring(0, 6);
    Path state = Files.createTempDirectory("cfgdrive-agent");
    cloud.startAgent(host, state, Map.of());
    String image = cloud.image("cfgdrive-img", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("cfgdrive");
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl drive@test";
    assertThat(identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/os-keypairs", member.token(),
        new JsonObject().put("keypair", new JsonObject().put("name", "k").put("public_key", key)), Map.of())
        .statusCode()).isEqualTo(200);
    String userData = "#!/bin/sh\necho from the drive\n";
    var s = cloud.boot(host, new JsonObject().put("name", "drive-vm").put("key_name", "k").put("config_drive", true)
            .put("user_data", Base64.getEncoder().encodeToString(userData.getBytes(StandardCharsets.UTF_8))), "1",
        image, image, Map.of("disk_format", "raw"), 1, new JsonObject().put("networks", new JsonArray().add("none"))
            .put("config_drive", "True"), member);
    JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
    assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");

    String iso = state.resolve("instances").resolve(s.id()).resolve("disk.config").toString();
    assertThat(HostShell.check(10, "isoinfo", "-d", "-i", iso).output()).contains("Volume id: config-2");
    JsonObject meta = new JsonObject(HostShell.check(10, "isoinfo", "-R", "-i", iso, "-x",
        "/openstack/latest/meta_data.json").output());
    assertThat(meta.getString("uuid")).isEqualTo(s.id());
    assertThat(meta.getJsonObject("public_keys").getString("k")).isEqualTo(key);
    assertThat(HostShell.check(10, "isoinfo", "-R", "-i", iso, "-x", "/openstack/latest/user_data").output())
        .isEqualTo(userData);
  }
}
