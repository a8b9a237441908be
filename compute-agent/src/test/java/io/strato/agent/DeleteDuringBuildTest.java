package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A server deleted while it is being built, at any point (before any host took it, at each build step, once ACTIVE):
 * the build is cancelled everywhere, and once things settle nothing of it is left (domain, disk, port, volume
 * attachment) and the project's quota usage is back exactly where it was.
 */
@ExtendWith(SharedInfrastructure.class)
class DeleteDuringBuildTest {
  private static final long SEED = Long.getLong("strato.delete.seed", 1103L);
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static Path stateDir;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "deleting-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-deleting");
    cloud.startAgent(host, stateDir, Map.of());
    imageId = cloud.image("deleting-img", "raw", new byte[8192], new JsonObject());
  }

  /** When the test deletes: after a delay from the assignment, or once the server shows a state. */
  private record Point(String name, long delayMillis, Predicate<JsonObject> reached) {}

  private static Point at(String taskState) {
    return new Point("task " + taskState, 0, j -> j == null || !"BUILD".equals(j.getString("status"))
        || taskState.equals(j.getString("OS-EXT-STS:task_state")));
  }

  private static boolean domainExists(String id) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      c.domainLookupByUUIDString(id);
      return true;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  private static JsonObject usage(TestIdentity.Member m) {
    return identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/limits", m.token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
  }

  @Test
  @DisplayName("a server deleted at random points of its build leaves no domain, port or volume attachment, and"
      + " gives its quota back exactly once")
  void deleteAtRandomPoints() throws Exception {
    var member = identity.newProject("deleting");
    String net = cloud.privateNetwork(member, "10.83.0.0/24");
    // A server that stays: a quota given back twice would show as usage below its own.
    var anchor = cloud.boot(host, "anchor", "1", imageId, imageId, Map.of("disk_format", "raw"), 1, new JsonObject()
        .put("networks", new JsonArray().add("none")), member);
    cloud.await(anchor, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    JsonObject before = usage(member);

    Random random = new Random(SEED);
    // The build's steps run on the host under one task state (spawning): random delays land within them.
    List<Point> points = new ArrayList<>(List.of(new Point("at once", 0, null), at("spawning"),
        new Point("once ACTIVE", 0, j -> j == null
            || "ACTIVE".equals(j.getString("status")))));
    for (int i = 0; i < 7; i++) points.add(new Point("after a random delay", random.nextInt(400), null));
    JsonObject build = new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", net)))
        .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("boot_index", 0).put("uuid", imageId)
            .put("source_type", "image").put("destination_type", "volume").put("volume_size", 1)
            .put("delete_on_termination", true)));

    List<AgentTestCloud.Server> deleted = new ArrayList<>();
    for (Point p : points) {
      var s = cloud.boot(host, "doomed", "1", imageId, imageId, Map.of("disk_format", "raw"), 1, build, member);
      if (p.reached() != null) cloud.await(s, p.reached(), 30_000);
      // NOTE: the delay is where the fault is injected (the delete lands somewhere in the build), not a wait.
      if (p.delayMillis() > 0) Thread.sleep(p.delayMillis());
      var resp = identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + s.id(), member.token(), null,
          Map.of());
      assertThat(resp.statusCode()).as(p.name() + ": " + resp.bodyAsString()).isIn(204, 404);
      deleted.add(s);
    }

    for (int i = 0; i < deleted.size(); i++) {
      var s = deleted.get(i);
      String where = points.get(i).name() + " (" + s.id() + ")";
      cloud.awaitHandled(host, s);
      cloud.await(s, j -> j == null, 30_000);
      assertThat(domainExists(s.id())).as("no domain: " + where).isFalse();
      assertThat(stateDir.resolve("instances").resolve(s.id())).as("no disk: " + where).doesNotExist();
      JsonArray ports = identity.call(HttpMethod.GET, identity.settings.getInt("network.port"),
          "/v2.0/ports?device_id=" + s.id(), identity.adminToken(), null, Map.of()).bodyAsJsonObject()
          .getJsonArray("ports");
      assertThat(ports).as("no port: " + where).isEmpty();
    }
    JsonArray volumes = identity.call(HttpMethod.GET, identity.settings.getInt("volume.port"), "/v3/"
        + member.projectId() + "/volumes/detail", member.token(), null, Map.of()).bodyAsJsonObject()
        .getJsonArray("volumes");
    for (Object o : volumes) {
      JsonObject v = (JsonObject) o;
      assertThat(v.getJsonArray("attachments")).as("volume " + v.getString("id") + " attached").isEmpty();
    }
    JsonObject after = usage(member);
    for (String counter : List.of("totalInstancesUsed", "totalCoresUsed", "totalRAMUsed")) {
      assertThat(after.getInteger(counter)).as(counter).isEqualTo(before.getInteger(counter));
    }
    assertThat(domainExists(anchor.id())).isTrue();
  }
}
