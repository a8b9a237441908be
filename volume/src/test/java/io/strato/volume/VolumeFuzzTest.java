package io.strato.volume;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.fuzz.ApiFuzzer;
import io.strato.testkit.fuzz.Operation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Thousands of mutated Cinder calls: no 5xx, no hang, no accepted invalid value (seed printed on failure). */
@ExtendWith(SharedInfrastructure.class)
class VolumeFuzzTest {

  @Test
  @DisplayName("mutated volume create, update, extend and list calls answer 2xx or Cinder's 4xx, never 5xx or nothing")
  void fuzz() {
    VolumeCloud cloud = VolumeCloud.get();
    TestIdentity.Member member = cloud.identity.newProject("fuzz");
    String base = "/v3/" + member.projectId() + "/volumes";
    String volume = cloud.create(member, new JsonObject().put("size", 1).put("name", "fuzz"));
    cloud.awaitStatus(member, volume, "available");
    List<Operation> operations = List.of(
        Operation.create("volume create", base, new JsonObject().put("volume", new JsonObject().put("size", 1)
            .put("name", "v").put("description", "d").put("metadata", new JsonObject().put("a", "b"))),
            r -> base + "/" + r.getJsonObject("volume").getString("id"), false),
        Operation.update("volume update", HttpMethod.PUT, base + "/" + volume, new JsonObject().put("volume",
            new JsonObject().put("name", "v2").put("description", "d2")), false),
        Operation.update("volume extend", HttpMethod.POST, base + "/" + volume + "/action",
            new JsonObject().put("os-extend", new JsonObject().put("new_size", 2)), false),
        Operation.list("volumes", base + "/detail", "status", "all_tenants", "metadata", "with_count"),
        Operation.list("volumes summary", base, "status", "offset"));
    ApiFuzzer fuzzer = new ApiFuzzer(cloud.identity.vertx, cloud.volumePort, member::token,
        Map.of("OpenStack-API-Version", "volume 3.44"), operations);
    try {
      fuzzer.run(ApiFuzzer.seed(), 1500);
    } finally {
      fuzzer.close();
    }
  }
}
