package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.volume.backend.FileBackend;
import io.strato.volume.quotas.Quotas;
import io.strato.volume.snapshots.Snapshots;
import io.strato.volume.snapshots.SnapshotsApi;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class VolumeReaperTest {
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  private static void resetStatus(TestIdentity.Member m, String id, String status) {
    var resp = cloud.call(HttpMethod.POST, "/v3/" + m.projectId() + "/volumes/" + id + "/action",
        cloud.identity.adminToken(), new JsonObject().put("os-reset_status", new JsonObject().put("status", status)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
  }

  @Test
  @DisplayName("a volume a killed process left creating ends in error; one left deleting is removed, quota given back")
  void stuckVolumesAreEnded() {
    Vertx vertx = cloud.identity.vertx;
    Pool pool = TestIdentity.await(Database.open(vertx, cloud.settings, "cinder"));
    VolumeConfig config = VolumeConfig.from(cloud.settings);
    Quotas quotas = new Quotas(pool, config.quotas());
    Volumes volumes = new Volumes(pool, quotas);
    FileBackend backend = TestIdentity.await(FileBackend.open(vertx, cloud.volumeDir, "raw"));
    Snapshots snapshots = new Snapshots(pool, quotas);
    String reaper = TestIdentity.await(vertx.deployVerticle(new VolumeReaper(volumes, backend, snapshots,
        new SnapshotsApi(snapshots, volumes, backend), Duration.ofSeconds(1))));
    try {
      var m = cloud.identity.newProject("reap");
      String creating = cloud.create(m, new JsonObject().put("size", 1));
      String deleting = cloud.create(m, new JsonObject().put("size", 2));
      cloud.awaitStatus(m, creating, "available");
      cloud.awaitStatus(m, deleting, "available");
      resetStatus(m, creating, "creating");
      resetStatus(m, deleting, "deleting");

      cloud.awaitStatus(m, creating, "error");
      cloud.awaitGone(m, deleting);
      assertThat(cloud.fileOf(deleting)).doesNotExist();
      JsonObject limits = cloud.call(HttpMethod.GET, "/v3/" + m.projectId() + "/limits", m.token(), null)
          .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
      assertThat(limits.getInteger("totalVolumesUsed")).isEqualTo(1);
      assertThat(limits.getInteger("totalGigabytesUsed")).isEqualTo(1);
      assertThat(cloud.call(HttpMethod.DELETE, "/v3/" + m.projectId() + "/volumes/" + creating, m.token(), null)
          .statusCode()).as("a volume in error can be deleted").isEqualTo(202);
      cloud.awaitGone(m, creating);
    } finally {
      TestIdentity.await(vertx.undeploy(reaper));
      TestIdentity.await(pool.close());
    }
  }
}
