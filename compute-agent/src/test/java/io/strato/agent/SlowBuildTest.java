package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.DeadLetter;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.TopicRecords;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One slow build on a host (its image service answers only when the test lets it) must not hold up the orders
 * behind it for other instances on that host; and an order that does not parse ends its instance in ERROR.
 */
@ExtendWith(SharedInfrastructure.class)
class SlowBuildTest {

  /**
   * A real image service behind an in-process proxy on the image port, which holds the requests naming one image
   * until released.
   */
  private static final class SlowImageService implements AutoCloseable {
    final AgentTestCloud cloud;
    final AtomicBoolean holding = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    final Promise<Void> seen = Promise.promise();
    final String deployment;
    final HttpServer proxy;
    final HttpClient client;

    SlowImageService(AgentTestCloud cloud, String slowImage) {
      this.cloud = cloud;
      var vertx = cloud.identity.vertx;
      int backend = Ports.free();
      cloud.stopImageService();
      deployment = TestIdentity.await(vertx.deployVerticle(new ImageService(ImageConfig.from(cloud.settings
          .with(Map.of("image.port", String.valueOf(backend)))))));
      client = vertx.createHttpClient();
      proxy = TestIdentity.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        Runnable forward = () -> forward(req, backend, body);
        if (holding.get() && req.path().contains(slowImage)) {
          held.add(forward);
          seen.tryComplete();
        } else {
          forward.run();
        }
      })).listen(cloud.imagePort));
    }

    private void forward(HttpServerRequest req, int backend, io.vertx.core.buffer.Buffer body) {
      client.request(new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(backend)
              .setURI(req.uri()))
          .compose(out -> {
            req.headers().forEach(h -> {
              if (!List.of("host", "content-length", "transfer-encoding").contains(h.getKey().toLowerCase())) {
                out.headers().add(h.getKey(), h.getValue());
              }
            });
            return out.send(body);
          })
          .compose(resp -> resp.body().map(b -> {
            req.response().setStatusCode(resp.statusCode());
            resp.headers().forEach(h -> {
              if (!List.of("content-length", "transfer-encoding").contains(h.getKey().toLowerCase())) {
                req.response().headers().add(h.getKey(), h.getValue());
              }
            });
            return req.response().end(b);
          }))
          .onFailure(e -> req.response().setStatusCode(502).end());
    }

    void release() {
      holding.set(false);
      Runnable r;
      while ((r = held.poll()) != null) r.run();
    }

    @Override
    public void close() {
      release();
      TestIdentity.await(proxy.close());
      TestIdentity.await(cloud.identity.vertx.undeploy(deployment));
      cloud.startImageService();
    }
  }

  @Test
  @DisplayName("a build whose image service answers slowly does not delay another instance's build on the same host")
  void slowBuildDoesNotBlockOthers() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "slow-" + UUID.randomUUID().toString().substring(0, 6);
    Path state = Files.createTempDirectory("agent-slow");
    cloud.startAgent(host, state, Map.of("agent.memory.mb", "4096", "agent.vcpus", "4"));
    String slowImage = cloud.image("slow", "raw", new byte[64 * 1024], new JsonObject());
    String fastImage = cloud.image("fast", "raw", new byte[32 * 1024], new JsonObject());
    TestIdentity.Member member = cloud.identity.newProject("slow");
    JsonObject build = new JsonObject().put("networks", new JsonArray().add("none"));
    try (SlowImageService images = new SlowImageService(cloud, slowImage)) {
      images.holding.set(false); // the compute API looks the image up when it accepts the server
      AgentTestCloud.Server slow = cloud.acceptThenAssign(host, "slow", slowImage, slowImage, build, member,
          () -> images.holding.set(true));
      TestIdentity.await(images.seen.future()); // the slow build is under way, waiting for its image
      AgentTestCloud.Server fast = cloud.boot(host, "fast", "1", fastImage, fastImage, Map.of("disk_format", "raw"),
          1, build, member);
      cloud.await(fast, s -> s != null && "ACTIVE".equals(s.getString("status")), 60_000);
      assertThat(cloud.show(slow).getString("status")).as("the slow build was still waiting").isEqualTo("BUILD");
      images.release();
      cloud.await(slow, s -> s != null && "ACTIVE".equals(s.getString("status")), 60_000);
    }
  }

  /** A host of its own with an agent, an image to boot and a project, to send a poison order to. */
  private record PoisonHost(AgentTestCloud cloud, String host, String image, TestIdentity.Member member) {
    static PoisonHost start() throws Exception {
      AgentTestCloud cloud = AgentTestCloud.get();
      String host = "poison-" + UUID.randomUUID().toString().substring(0, 6);
      cloud.startAgent(host, Files.createTempDirectory("agent-poison"), Map.of("agent.memory.mb", "4096",
          "agent.vcpus", "4"));
      return new PoisonHost(cloud, host, cloud.image("img", "raw", new byte[16 * 1024], new JsonObject()),
          cloud.identity.newProject("poison"));
    }

    /** Puts {@code order} on this host's assignment partition, as a scheduler or the compute API would. */
    void send(String order) {
      KafkaProducer<String, String> producer = KafkaProducer.create(cloud.identity.vertx,
          io.strato.common.kafka.KafkaSettings.producer(cloud.settings, "poison-assignments"));
      TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.ASSIGNMENTS, host, order)));
      TestIdentity.await(producer.close());
    }

    /** A good order behind the poison: a server built on this host. */
    AgentTestCloud.Server bootNext() {
      return cloud.boot(host, "next", "1", image, image, Map.of("disk_format", "raw"), 1,
          new JsonObject().put("networks", new JsonArray().add("none")), member);
    }
  }

  @Test
  @DisplayName("an assignment that does not parse goes to strato.dead-letters and its instance ends in ERROR with "
      + "the reason; the agent goes on with the next order")
  void malformedAssignmentEndsInError() throws Exception {
    PoisonHost p = PoisonHost.start();
    // Accepted by the API, but its assignment arrives broken (a request that is not an object).
    var accepted = p.cloud().identity.call(io.vertx.core.http.HttpMethod.POST, p.cloud().computePort,
        "/v2.1/servers", p.member().token(), new JsonObject().put("server", new JsonObject().put("name", "broken")
            .put("flavorRef", "1").put("imageRef", p.image())), Map.of());
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    AgentTestCloud.Server broken = new AgentTestCloud.Server(accepted.bodyAsJsonObject().getJsonObject("server")
        .getString("id"), p.member(), null, -1);
    p.send(new JsonObject().put("type", "assignment").put("version", 1).put("instance_id", broken.id())
        .put("host", p.host()).put("request", "not an object").encode());
    AgentTestCloud.Server next = p.bootNext();
    JsonObject failed = p.cloud().await(broken, s -> s != null && "ERROR".equals(s.getString("status")), 60_000);
    assertThat(failed.getJsonObject("fault").getString("message")).contains("can never be processed")
        .contains(Topics.ASSIGNMENTS);
    p.cloud().await(next, s -> s != null && "ACTIVE".equals(s.getString("status")), 60_000);
  }

  @Test
  @DisplayName("an assignment whose instance id is not a UUID goes to strato.dead-letters with the reason; the "
      + "agent goes on with the next order")
  void nonUuidAssignmentIsDeadLettered() throws Exception {
    PoisonHost p = PoisonHost.start();
    BootRequest request = new BootRequest(BootRequest.VERSION, BootRequest.newMessageId(), "r-poison",
        List.of("not-a-uuid"), p.member().projectId(), p.member().userId(),
        new BootRequest.Flavor("1", "m1.tiny", 1, 512, 1, Map.of()), new BootRequest.ImageRef(p.image(), Map.of()),
        null, null, List.of(), List.of(), new JsonObject(), "req-" + UUID.randomUUID());
    p.send(new Assignment(Assignment.VERSION, UUID.randomUUID().toString(), "not-a-uuid", 0, p.host(), List.of(), 1,
        request).toJson().encode());
    AgentTestCloud.Server next = p.bootNext();

    DeadLetter letter = TopicRecords.deadLetter(p.cloud().settings, p.host());
    assertThat(letter.topic()).isEqualTo(Topics.ASSIGNMENTS);
    assertThat(letter.reason()).contains("not a UUID");
    p.cloud().await(next, s -> s != null && "ACTIVE".equals(s.getString("status")), 60_000);
  }
}
