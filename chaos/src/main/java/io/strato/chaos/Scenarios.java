package io.strato.chaos;

import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The faults, each a scenario bounded in time; the runner heals what a scenario left broken and checks. */
final class Scenarios {
  private Scenarios() {}

  interface Body {
    void run(Run r) throws Exception;
  }

  record Scenario(String name, Duration bound, Body body) {}

  private static final Set<String> BUILD_STEPS = Set.of("scheduling", "block_device_mapping", "networking",
      "spawning");

  static List<Scenario> all(ChaosConfig config) {
    List<Scenario> s = new ArrayList<>();
    int n = config.stormSize();
    s.add(new Scenario("baseline", Duration.ofMinutes(3), r -> {
      List<String> ids = r.storm(n, 50).get(2, TimeUnit.MINUTES);
      r.awaitInstance(i -> "active".equals(i.vmState()), Duration.ofMinutes(2), "an ACTIVE instance");
      for (String id : ids.subList(0, Math.min(2, ids.size()))) r.delete(id);
    }));
    s.add(new Scenario("agent-kill-mid-build", Duration.ofMinutes(4), r -> {
      CompletableFuture<List<String>> storm = r.storm(n, 100);
      Checker.Instance building = r.awaitInstance(i -> i.host() != null && "building".equals(i.vmState())
          && Set.of("block_device_mapping", "networking", "spawning").contains(i.taskState()),
          Duration.ofMinutes(2), "a build on a host");
      String agent = Run.agentOf(building.host());
      r.cloud.processes.kill(agent);
      r.note("killed " + agent + " while " + building.id() + " was " + building.taskState());
      storm.get(2, TimeUnit.MINUTES);
      r.cloud.processes.start(agent);
      r.cloud.processes.awaitHealthy(agent, Duration.ofMinutes(2));
    }));
    // kill -9 at each build step, at the step's start (PausePoints: the build waits there until the kill): before
    // volumes are made, with its volume made and attached, with its volume and port made, before the domain.
    for (TaskState step : List.of(TaskState.BLOCK_DEVICE_MAPPING, TaskState.NETWORKING, TaskState.SPAWNING)) {
      s.add(new Scenario("agent-kill-at-" + step.wire().replace('_', '-'), Duration.ofMinutes(4), r -> {
        CompletableFuture<List<String>> storm = r.storm(n, 100);
        String id = r.pausedBoot(step.wire());
        String agent = r.awaitPause(step.wire(), id, ChaosCloud.AGENTS, Duration.ofMinutes(2), 1);
        r.cloud.processes.kill(agent);
        r.note("killed " + agent + " with " + id + " paused at " + step.wire());
        storm.get(2, TimeUnit.MINUTES);
        r.cloud.processes.start(agent);
        r.cloud.processes.awaitHealthy(agent, Duration.ofMinutes(2));
      }));
    }
    s.add(new Scenario("agent-kill-after-build", Duration.ofMinutes(4), r -> {
      CompletableFuture<List<String>> storm = r.storm(n, 100);
      Checker.Instance built = r.awaitInstance(i -> "active".equals(i.vmState()) && i.host() != null,
          Duration.ofMinutes(2), "a finished build");
      String agent = Run.agentOf(built.host());
      r.cloud.processes.kill(agent);
      r.note("killed " + agent + " right after " + built.id() + " went ACTIVE");
      storm.get(2, TimeUnit.MINUTES);
      r.cloud.processes.start(agent);
      r.cloud.processes.awaitHealthy(agent, Duration.ofMinutes(2));
    }));
    s.add(new Scenario("libvirtd-restart", Duration.ofMinutes(4), r -> {
      CompletableFuture<List<String>> storm = r.storm(n, 300);
      Checker.Instance building = r.awaitInstance(i -> i.host() != null && "building".equals(i.vmState()),
          Duration.ofMinutes(2), "a build on a host");
      r.cloud.restartLibvirtd();
      r.checker.openLibvirt();
      r.note("libvirtd restarted while " + building.id() + " was " + building.taskState() + ", after "
          + r.accepted.size() + " accepted boots");
      storm.get(2, TimeUnit.MINUTES);
      r.storm(n / 2, 100).get(2, TimeUnit.MINUTES);
    }));
    // kill -9 of the scheduler with a request placed and its claims made, before its assignment is sent; and with
    // the assignment sent, before the request's offset is committed (PausePoints).
    for (String point : List.of("scheduler-claimed", "scheduler-published")) {
      String name = point.equals("scheduler-claimed") ? "scheduler-kill-after-claim" : "scheduler-kill-after-publish";
      s.add(new Scenario(name, Duration.ofMinutes(4), r -> {
        CompletableFuture<List<String>> storm = r.storm(n, 300);
        String id = r.pausedBoot(point);
        r.awaitPause(point, id, List.of("scheduler"), Duration.ofMinutes(2), 1);
        r.cloud.processes.kill("scheduler");
        r.note("killed the scheduler with " + id + " paused at " + point);
        Run.sleep(2000);
        r.cloud.processes.start("scheduler");
        r.cloud.processes.awaitHealthy("scheduler", Duration.ofMinutes(2));
        // The request comes again (its offset was never committed) and passes the same point once more.
        r.awaitPause(point, id, List.of("scheduler"), Duration.ofMinutes(2), 2);
        storm.get(2, TimeUnit.MINUTES);
      }));
    }
    for (String service : List.of("scheduler", "conductor", "compute-api")) {
      s.add(new Scenario(service + "-kill-mid-storm", Duration.ofMinutes(4), r -> {
        // Spread over about 15 s, so that boots arrive before, during and after the outage.
        CompletableFuture<List<String>> storm = r.storm(2 * n, 1000);
        r.awaitAccepted(3, Duration.ofMinutes(1));
        r.cloud.processes.kill(service);
        r.note("killed " + service + " after " + r.accepted.size() + " accepted boots");
        Run.sleep(2000);
        r.cloud.processes.start(service);
        r.cloud.processes.awaitHealthy(service, Duration.ofMinutes(2));
        storm.get(2, TimeUnit.MINUTES);
      }));
    }
    s.add(new Scenario("rolling-restart", Duration.ofMinutes(8), r -> {
      CompletableFuture<List<String>> storm = r.storm(3 * n, 1000);
      for (String service : r.cloud.services()) {
        r.cloud.processes.stop(service);
        r.cloud.processes.start(service);
        r.cloud.processes.awaitHealthy(service, Duration.ofMinutes(2));
      }
      storm.get(3, TimeUnit.MINUTES);
    }));
    s.add(new Scenario("broker-outage", Duration.ofSeconds(config.brokerOutageSeconds() + 240L), r -> {
      CompletableFuture<List<String>> storm = r.storm(n, 500);
      r.awaitAccepted(2, Duration.ofMinutes(1));
      r.cloud.stopKafka();
      r.note("broker stopped " + config.brokerOutageSeconds() + " s after " + r.accepted.size() + " accepted boots");
      try {
        storm.get(2, TimeUnit.MINUTES);
        Run.sleep(config.brokerOutageSeconds() * 1000L);
      } finally {
        r.cloud.startKafka();
      }
    }));
    s.add(new Scenario("postgres-outage", Duration.ofSeconds(config.postgresOutageSeconds() + 240L), r -> {
      CompletableFuture<List<String>> storm = r.storm(n, 300);
      r.awaitAccepted(2, Duration.ofMinutes(1));
      r.cloud.stopPostgres();
      r.note("PostgreSQL stopped " + config.postgresOutageSeconds() + " s (max.poll.interval.ms "
          + config.maxPollIntervalMs() + ") after " + r.accepted.size() + " accepted boots");
      try {
        storm.get(2, TimeUnit.MINUTES);
        Run.sleep(config.postgresOutageSeconds() * 1000L);
      } finally {
        r.cloud.startPostgres();
      }
    }));
    s.add(new Scenario("poison", Duration.ofMinutes(4), r -> {
      int sent = poison(r);
      r.note(sent + " poison records and 2 poison outbox rows");
      r.storm(n, 100).get(2, TimeUnit.MINUTES);
    }));
    for (FaultProxy.Mode mode : List.of(FaultProxy.Mode.HANG, FaultProxy.Mode.ERROR_500)) {
      String label = mode == FaultProxy.Mode.HANG ? "hangs" : "answers-500";
      for (String dependency : List.of("image", "network", "volume", "identity")) {
        s.add(new Scenario(dependency + "-" + label, Duration.ofMinutes(4), r -> {
          CompletableFuture<List<String>> storm = r.storm(n / 2, 300);
          r.awaitAccepted(1, Duration.ofMinutes(1));
          FaultProxy proxy = r.cloud.proxies.get(dependency);
          proxy.mode(mode);
          try {
            storm.get(2, TimeUnit.MINUTES);
            r.storm(n / 2, 300).get(2, TimeUnit.MINUTES);
            Run.sleep(20_000);
          } finally {
            proxy.mode(FaultProxy.Mode.PASS);
          }
        }));
      }
    }
    s.add(new Scenario("create-delete-race", Duration.ofMinutes(4), r -> {
      List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < n + 4; i++) {
        long offset = r.random.nextInt(3000);
        all.add(r.storm(1, 0).thenAccept(ids -> ids.forEach(id -> deletes.add(r.deleteLater(id, offset)))));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    }));
    s.add(new Scenario("scheduler-race-last-capacity", Duration.ofMinutes(5), r -> {
      r.cloud.processes.start(ChaosCloud.SECOND_SCHEDULER);
      try {
        r.cloud.processes.awaitHealthy(ChaosCloud.SECOND_SCHEDULER, Duration.ofMinutes(2));
        // The clean-up before deleted what the last scenario booted: the scheduler's view gets that capacity back
        // with the hosts' next reports (agent.report.interval.seconds is 5 here), so the race is on the whole fleet.
        Run.sleep(12_000);
        // Enough for every host's last slot and then some: two replicas place them at once.
        int capacity = r.cloud.hosts().size() * ChaosConfig.HOST_VCPUS;
        r.note("two scheduler replicas, " + (capacity + 4) + " m1.tiny for " + capacity + " slots");
        r.storm(capacity + 4, 0).get(3, TimeUnit.MINUTES);
        // The second replica stays until every boot has been placed or refused.
        r.awaitTrue(() -> {
          try {
            var rows = r.checker.instances();
            return r.accepted.stream().allMatch(id -> rows.containsKey(id) && rows.get(id).settled());
          } catch (Exception e) {
            return false;
          }
        }, Duration.ofMinutes(3), "the storm to settle");
      } finally {
        r.cloud.processes.stop(ChaosCloud.SECOND_SCHEDULER);
      }
    }));
    return s;
  }

  /**
   * Records no consumer can use, on every topic the services read, and two outbox rows Kafka can never take (a
   * topic that does not exist, a payload over the topic's limit): each must be set aside (logged or dead-lettered)
   * while the records behind it go on.
   */
  private static int poison(Run r) throws Exception {
    List<String> topics = List.of(Topics.BOOT_REQUESTS, Topics.HOST_STATE, Topics.INSTANCE_UPDATES,
        Topics.BOOT_BATCHES, Topics.ASSIGNMENTS);
    List<String> hosts = r.cloud.hosts();
    String notUuid = "not-a-uuid";
    List<byte[]> values = List.of(
        "this is not JSON".getBytes(StandardCharsets.UTF_8),
        "{}".getBytes(StandardCharsets.UTF_8),
        "[1,2,3]".getBytes(StandardCharsets.UTF_8),
        ("{\"version\":1,\"instance_id\":\"" + notUuid + "\",\"type\":\"build\",\"host\":42}")
            .getBytes(StandardCharsets.UTF_8),
        ("{\"version\":1,\"instance_id\":\"" + UUID.randomUUID() + "\u0000\",\"type\":\"update\"}")
            .getBytes(StandardCharsets.UTF_8),
        ("{\"version\":\"x\",\"instance_id\":12,\"type\":[],\"vm_state\":{}}").getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, r.cloud.settings.get("kafka.bootstrap"));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String topic : topics) {
        for (byte[] value : values) {
          // A compacted topic refuses a record without a key (the broker, not a consumer, would reject it). Orders
          // are keyed by host: one keyed by a host of the fleet reaches that host's agent, a keyless one no agent.
          String keyText = topic.equals(Topics.ASSIGNMENTS) ? hosts.get(sent % hosts.size()) : notUuid;
          byte[] key = sent % 3 == 0 && !topic.equals(Topics.HOST_STATE) ? null
              : keyText.getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
          sent++;
        }
      }
    }
    r.checker.query("INSERT INTO nova.outbox(topic, key, payload) VALUES ($1, $2, $3), ($4, $5, $6)", Tuple.of(
        "strato.no-such-topic", UUID.randomUUID().toString(), "{\"version\":1}",
        Topics.BOOT_REQUESTS, UUID.randomUUID().toString(), "x".repeat(2 * 1024 * 1024)));
    return sent;
  }
}
