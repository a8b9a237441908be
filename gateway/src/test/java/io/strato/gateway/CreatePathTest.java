package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The create path's cost: concurrent creates share transactions (group commit) without giving up what each create
 * promises (its own answer, an exact quota, a boot request per accepted server), and what it caches (flavors) is
 * never stale after a change made through this API.
 */
@ExtendWith(SharedInfrastructure.class)
class CreatePathTest {
  private static TestCloud cloud;
  private static BootRequestWatcher watcher;
  private static Vertx vertx;
  private static Pool nova;
  /** Enough connections that every create of a burst is in flight at once. */
  private static WebClient client;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    watcher = new BootRequestWatcher(cloud.vertx, cloud.settings);
    vertx = Vertx.vertx();
    nova = TestCloud.await(Database.open(vertx, cloud.settings, "nova"));
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(100));
  }

  @AfterAll
  static void stop() {
    TestCloud.await(vertx.close());
  }

  @Test
  @DisplayName("60 concurrent creates are committed in a few shared transactions, each answered 202 with its own"
      + " server and boot request")
  void concurrentCreatesShareTransactions() {
    var member = cloud.newProject("group");
    setInstances(member.projectId(), -1);
    // One create first, as in a cloud that has been up for a while: the flavor and image are known.
    assertThat(TestCloud.await(post(member.token(), "first")).statusCode()).isEqualTo(202);
    List<HttpResponse<Buffer>> replies = createAll(member.token(), 60, "g");
    Set<String> ids = new HashSet<>();
    for (HttpResponse<Buffer> r : replies) {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      ids.add(r.bodyAsJsonObject().getJsonObject("server").getString("id"));
    }
    assertThat(ids).hasSize(60);
    // Rows written by one transaction share its id (xmin): the number of distinct ones is the number of commits.
    long transactions = TestCloud.await(nova.preparedQuery("SELECT count(DISTINCT xmin::text) FROM instances"
        + " WHERE project_id = $1 AND name <> 'first'").execute(Tuple.of(member.projectId()))).iterator().next()
        .getLong(0);
    assertThat(transactions).as("transactions for 60 concurrent creates").isLessThanOrEqualTo(20);
    for (String id : ids) assertThat(watcher.awaitFor(id).instanceIds()).contains(id);
    var limits = cloud.call(HttpMethod.GET, "/v2.1/limits", member.token(), null).bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalInstancesUsed")).isEqualTo(61);
  }

  @Test
  @DisplayName("creates of two projects committed together: one project's quota refuses its excess, the other's"
      + " creates all pass")
  void groupKeepsEachProjectsQuota() {
    var small = cloud.newProject("small");
    var large = cloud.newProject("large");
    setInstances(small.projectId(), 3);
    setInstances(large.projectId(), -1);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(post(small.token(), "s" + i));
      calls.add(post(large.token(), "l" + i));
    }
    TestCloud.await(Future.join(calls));
    long smallAccepted = 0;
    long largeAccepted = 0;
    for (int i = 0; i < calls.size(); i++) {
      int status = calls.get(i).result().statusCode();
      assertThat(status).as(calls.get(i).result().bodyAsString()).isIn(202, 403);
      if (status == 202 && i % 2 == 0) smallAccepted++;
      if (status == 202 && i % 2 == 1) largeAccepted++;
    }
    assertThat(smallAccepted).isEqualTo(3);
    assertThat(largeAccepted).isEqualTo(20);
  }

  @Test
  @DisplayName("a flavor deleted by the admin is refused by the very next create, though creates read flavors from a"
      + " cache")
  void deletedFlavorIsRefusedAtOnce() {
    var member = cloud.newProject("flavor");
    String admin = cloud.adminToken();
    String flavorId = "cache-" + UUID.randomUUID().toString().substring(0, 8);
    var made = cloud.call(HttpMethod.POST, "/v2.1/flavors", admin, new JsonObject().put("flavor", new JsonObject()
        .put("name", flavorId).put("id", flavorId).put("ram", 256).put("vcpus", 1).put("disk", 1)));
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(200);
    JsonObject body = cloud.server("cached");
    body.getJsonObject("server").put("flavorRef", flavorId);
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body).statusCode()).isEqualTo(202);

    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/flavors/" + flavorId, admin, null).statusCode()).isEqualTo(202);
    var refused = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .isEqualTo("Flavor " + flavorId + " could not be found.");
  }

  private void setInstances(String projectId, int instances) {
    assertThat(cloud.call(HttpMethod.PUT, "/v2.1/os-quota-sets/" + projectId, cloud.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("instances", instances).put("cores", -1)))
        .statusCode()).isEqualTo(200);
  }

  private List<HttpResponse<Buffer>> createAll(String token, int n, String prefix) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) calls.add(post(token, prefix + i));
    TestCloud.await(Future.join(calls));
    return calls.stream().map(Future::result).toList();
  }

  private Future<HttpResponse<Buffer>> post(String token, String name) {
    return client.request(HttpMethod.POST, cloud.computePort, "127.0.0.1", "/v2.1/servers")
        .putHeader("X-Auth-Token", token).sendJsonObject(cloud.server(name));
  }
}
