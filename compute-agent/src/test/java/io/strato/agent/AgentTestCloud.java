package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.HostPartitions;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.ServerAction;
import io.strato.conductor.ConductorConfig;
import io.strato.conductor.ConductorService;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.GatewayService;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.network.NetworkConfig;
import io.strato.network.NetworkService;
import io.strato.volume.VolumeConfig;
import io.strato.volume.VolumeService;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Identity, image, compute API and conductor, started once per test JVM, for the agent tests. Each test class runs
 * its own agent (host name, libvirt URI) and hands it assignments the way the scheduler would.
 */
final class AgentTestCloud {
  private static AgentTestCloud instance;
  final TestIdentity identity;
  final Settings settings;
  final int computePort;
  final int imagePort;
  private final KafkaProducer<String, String> producer;
  private String imageDeployment;
  private String networkDeployment;
  private String conductorDeployment;
  private String lastAgent;

  private AgentTestCloud() throws Exception {
    identity = TestIdentity.get();
    computePort = identity.settings.getInt("compute.port");
    imagePort = identity.settings.getInt("image.port");
    settings = identity.settings.with(Map.of("image.store.dir",
        Files.createTempDirectory("agent-images").toString(), "volume.store.dir",
        Files.createTempDirectory("agent-volumes").toString()));
    var vertx = identity.vertx;
    startImageService();
    networkDeployment = TestIdentity.await(vertx.deployVerticle(new NetworkService(NetworkConfig.from(settings))));
    TestIdentity.await(vertx.deployVerticle(new VolumeService(VolumeConfig.from(settings))));
    TestIdentity.await(vertx.deployVerticle(new GatewayService(GatewayConfig.from(settings))));
    startConductor();
    identity.awaitReady(computePort);
    producer = KafkaProducer.create(vertx, KafkaSettings.producer(settings, "agent-test"));
  }

  /** The deployment id of the agent started last (a test stops it to restart it). */
  String lastAgentDeployment() {
    return lastAgent;
  }

  /** (Re)starts the image service; a test stops it to see builds meet an image service that is down. */
  void startImageService() {
    imageDeployment = TestIdentity.await(identity.vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
    identity.awaitReady(imagePort);
  }

  void stopImageService() {
    TestIdentity.await(identity.vertx.undeploy(imageDeployment));
  }

  /** (Re)starts the conductor; a test stops it to see builds meet a conductor that is down (restarting). */
  void startConductor() {
    conductorDeployment = TestIdentity.await(identity.vertx.deployVerticle(new ConductorService(
        ConductorConfig.from(settings))));
  }

  void stopConductor() {
    TestIdentity.await(identity.vertx.undeploy(conductorDeployment));
  }

  /**
   * Moves the network service to {@code port} (the catalog keeps naming {@code network.port}, where a test may put a
   * proxy in front of it); {@code network.port} again puts it back.
   */
  void moveNetworkService(int port) {
    TestIdentity.await(identity.vertx.undeploy(networkDeployment));
    networkDeployment = TestIdentity.await(identity.vertx.deployVerticle(new NetworkService(NetworkConfig.from(
        settings.with("network.port", port)))));
    identity.awaitReady(port);
  }

  static synchronized AgentTestCloud get() throws Exception {
    if (instance == null) instance = new AgentTestCloud();
    return instance;
  }

  /** Starts an agent for {@code host} with these extra settings and waits until it serves. */
  Settings startAgent(String host, Path stateDir, Map<String, String> extra) {
    Settings agent = settings.with(Map.of("agent.host", host, "agent.state.dir", stateDir.toString(),
        "agent.port", String.valueOf(io.strato.embedded.Ports.free()))).with(extra);
    lastAgent = TestIdentity.await(identity.vertx.deployVerticle(new AgentService(AgentConfig.from(agent))));
    identity.awaitReady(agent.getInt("agent.port"));
    return agent;
  }

  /** A public active image with these properties and data, made through the image API by the admin. */
  String image(String name, String diskFormat, byte[] data, JsonObject properties) {
    String admin = identity.adminToken();
    JsonObject body = properties.copy().put("name", name).put("disk_format", diskFormat)
        .put("container_format", diskFormat.equals("aki") || diskFormat.equals("ari") ? diskFormat : "bare")
        .put("visibility", "public");
    String id = identity.call(HttpMethod.POST, imagePort, "/v2/images", admin, body, Map.of()).bodyAsJsonObject()
        .getString("id");
    var upload = identity.call(HttpMethod.PUT, imagePort, "/v2/images/" + id + "/file", admin, Buffer.buffer(data),
        Map.of("Content-Type", "application/octet-stream"));
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(204);
    return id;
  }

  /** A server and the assignment sent for it (at {@code offset} of its host's assignment partition). */
  record Server(String id, TestIdentity.Member owner, BootRequest request, long offset) {}

  /**
   * Creates a server through the API on {@code apiImage}, then hands {@code host}'s agent an assignment for it
   * naming {@code image} with {@code imageProperties} (so a test can make a build meet a bad image).
   */
  Server boot(String host, String name, String flavor, String apiImage, String image,
      Map<String, String> imageProperties, int attempt) {
    return boot(host, name, flavor, apiImage, image, imageProperties, attempt,
        new JsonObject().put("networks", new JsonArray().add("none")));
  }

  /** As above, with the build spec (networks, block devices) the assignment carries. */
  Server boot(String host, String name, String flavor, String apiImage, String image,
      Map<String, String> imageProperties, int attempt, JsonObject build) {
    return boot(host, name, flavor, apiImage, image, imageProperties, attempt, build, identity.newProject("agent"));
  }

  /**
   * As above, for {@code member}'s project. A null {@code apiImage} records the instance straight in the database
   * (the compute API checks the image, and a test may have stopped the image service).
   */
  Server boot(String host, String name, String flavor, String apiImage, String image,
      Map<String, String> imageProperties, int attempt, JsonObject build, TestIdentity.Member member) {
    return boot(host, new JsonObject().put("name", name), flavor, apiImage, image, imageProperties, attempt, build,
        member);
  }

  /** As above, with more fields of the create request ({@code key_name}, {@code user_data}) in {@code fields}. */
  Server boot(String host, JsonObject fields, String flavor, String apiImage, String image,
      Map<String, String> imageProperties, int attempt, JsonObject build, TestIdentity.Member member) {
    JsonObject server = fields.copy().put("flavorRef", flavor);
    if (apiImage != null) server.put("imageRef", apiImage);
    if (apiImage == null || build.containsKey("block_device_mapping_v2")) {
      server.put("block_device_mapping_v2", build.getJsonArray("block_device_mapping_v2", new JsonArray()
          .add(new JsonObject().put("boot_index", 0).put("uuid", image).put("source_type", "image")
              .put("destination_type", "volume").put("volume_size", 1))));
    }
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(),
        new JsonObject().put("server", server), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    return assign(host, id, flavor, image, imageProperties, attempt, build, member,
        resp.getHeader("x-openstack-request-id"));
  }

  /**
   * A server the API accepted as a plain boot of {@code apiImage}, whose assignment then names {@code assignedImage}
   * and {@code build} anyway:
   * what a stale or forged record would ask of the agent, which must check again for the project it acts for.
   */
  Server bootWithForgedBuild(String host, String name, String apiImage, String assignedImage, JsonObject build,
      TestIdentity.Member member) {
    return acceptThenAssign(host, name, apiImage, assignedImage, build, member, () -> { });
  }

  /** As above, running {@code beforeAssign} between the API's acceptance and the assignment (to stop a service). */
  Server acceptThenAssign(String host, String name, String apiImage, String assignedImage, JsonObject build,
      TestIdentity.Member member, Runnable beforeAssign) {
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", name).put("flavorRef", "1").put("imageRef", apiImage)), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    beforeAssign.run();
    return assign(host, resp.bodyAsJsonObject().getJsonObject("server").getString("id"), "1", assignedImage,
        Map.of("disk_format", "raw"), 1, build, member, resp.getHeader("x-openstack-request-id"));
  }

  /** Sends {@code host}'s agent an assignment for the existing instance {@code id}, built from these parts. */
  Server assign(String host, String id, String flavor, String image, Map<String, String> imageProperties,
      int attempt, JsonObject build, TestIdentity.Member member, String requestId) {
    JsonObject f = identity.call(HttpMethod.GET, computePort, "/v2.1/flavors/" + flavor, member.token(), null,
        Map.of()).bodyAsJsonObject().getJsonObject("flavor");
    BootRequest request = new BootRequest(BootRequest.VERSION, UUID.randomUUID().toString(), "r-test", List.of(id),
        member.projectId(), member.userId(), new BootRequest.Flavor(flavor, f.getString("name"), f.getInteger("vcpus"),
            f.getInteger("ram"), f.getInteger("disk"), Map.of()), new BootRequest.ImageRef(image, imageProperties),
        "nova", null, List.of(), List.of(), build, requestId, attempt, List.of());
    return send(host, new Server(id, member, request, -1));
  }

  /** Sends (again) the assignment of {@code s} to {@code host}'s agent, as a redelivery would. */
  Server send(String host, Server s) {
    Assignment a = new Assignment(Assignment.VERSION, UUID.randomUUID().toString(), s.id(), 0, host, List.of(),
        s.request().attempt(), s.request());
    var meta = TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.ASSIGNMENTS, host,
        a.toJson().encode())));
    return new Server(s.id(), s.owner(), s.request(), meta.getOffset());
  }

  /** Sends {@code host}'s agent an order about the server {@code s}, as the compute API or the conductor would. */
  Server order(String host, Server s, String action) {
    ServerAction order = new ServerAction(ServerAction.VERSION, UUID.randomUUID().toString(), s.id(), host, action,
        s.owner().projectId(), s.request().requestId());
    var meta = TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.ASSIGNMENTS, host,
        order.toJson().encode())));
    return new Server(s.id(), s.owner(), s.request(), meta.getOffset());
  }

  /** Waits until {@code host}'s agent has handled (and committed) the assignment of {@code s}. */
  void awaitHandled(String host, Server s) {
    awaitCommittedPast(host, host, s);
  }

  /**
   * Waits until the agent named {@code agentHost} (its consumer group) has committed past the assignment of
   * {@code s}, sent to {@code orderHost}: handled if it serves that host, skipped otherwise.
   */
  void awaitCommittedPast(String agentHost, String orderHost, Server s) {
    try (Admin admin = Admin.create(new java.util.HashMap<String, Object>(KafkaSettings.admin(settings)))) {
      TopicPartition tp = new TopicPartition(Topics.ASSIGNMENTS, HostPartitions.of(orderHost, assignmentPartitions()));
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("strato-agent-" + agentHost)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(tp);
        if (committed != null && committed.offset() > s.offset()) return;
        assertThat(System.currentTimeMillis()).as("assignment of " + s.id() + " never passed by " + agentHost)
            .isLessThan(deadline);
        Thread.sleep(100); // back-off between questions to the broker
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** The partition count of strato.assignments, as the broker has it. */
  int assignmentPartitions() {
    try (Admin admin = Admin.create(new java.util.HashMap<String, Object>(KafkaSettings.admin(settings)))) {
      return admin.describeTopics(List.of(Topics.ASSIGNMENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(Topics.ASSIGNMENTS).partitions().size();
    } catch (InterruptedException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** A network of {@code m}'s project with one IPv4 subnet of {@code cidr}. */
  String privateNetwork(TestIdentity.Member m, String cidr) {
    int networkPort = identity.settings.getInt("network.port");
    String net = identity.call(HttpMethod.POST, networkPort, "/v2.0/networks", m.token(), new JsonObject()
        .put("network", new JsonObject().put("name", "mine")), Map.of()).bodyAsJsonObject().getJsonObject("network")
        .getString("id");
    var subnet = identity.call(HttpMethod.POST, networkPort, "/v2.0/subnets", m.token(), new JsonObject()
        .put("subnet", new JsonObject().put("network_id", net).put("ip_version", 4).put("cidr", cidr)), Map.of());
    assertThat(subnet.statusCode()).as(subnet.bodyAsString()).isEqualTo(201);
    return net;
  }

  JsonObject show(Server s) {
    var resp = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id(), identity.adminToken(), null,
        Map.of());
    return resp.statusCode() == 404 ? null : resp.bodyAsJsonObject().getJsonObject("server");
  }

  JsonObject await(Server s, Predicate<JsonObject> condition, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      JsonObject server = show(s);
      if (condition.test(server)) return server;
      assertThat(System.currentTimeMillis()).as("server " + s.id() + " stuck at " + server).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  void delete(Server s) {
    assertThat(identity.call(HttpMethod.DELETE, computePort, "/v2.1/servers/" + s.id(), s.owner().token(), null,
        Map.of()).statusCode()).isEqualTo(204);
  }
}
