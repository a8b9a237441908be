package io.strato.chaos;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The invariants, read from the durable state itself once a scenario has settled: PostgreSQL (instances, ports,
 * volume attachments, quota usage, the outbox), Kafka (every consumer group's lag), libvirt (the fleet's domains)
 * and the agents' disks. Each violation is counted under one of the suite's counters and described in words.
 */
final class Checker implements AutoCloseable {
  private static final Pattern EPHEMERAL_GROUP =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  private static final Pattern HOST_META = Pattern.compile("<strato:instance[^>]*host=(['\"])([^'\"]*)\\1");
  /** How long the check waits at most for consumer groups to drain, and how long one may sit still meanwhile. */
  private static final long LAG_DRAIN_MAX_MS = 1000L * Long.getLong("chaos.lag.drain.seconds", 60);
  private static final long LAG_STALL_MS = 1000L * Long.getLong("chaos.lag.stall.seconds", 15);
  private final ChaosCloud cloud;
  private final CloudApi api;
  private Connect libvirt;

  Checker(ChaosCloud cloud, CloudApi api) {
    this.cloud = cloud;
    this.api = api;
  }

  /**
   * Holds a libvirt connection for the whole run: libvirtd frees its test driver's state when the last connection
   * to it closes, and the fleet's domains must outlive a killed agent as a real hypervisor's do.
   */
  void openLibvirt() {
    if (!cloud.libvirtUri.contains("+")) return; // in-process test driver: the harness cannot see it
    try {
      if (libvirt != null) libvirt.close();
    } catch (LibvirtException dead) {
      // the daemon it spoke to was restarted
    }
    try {
      libvirt = new Connect(cloud.libvirtUri);
    } catch (LibvirtException e) {
      throw new IllegalStateException("cannot reach libvirt at " + cloud.libvirtUri
          + " (is libvirtd running?): " + e.getMessage(), e);
    }
  }

  /** One instance's row. */
  record Instance(String id, String vmState, String taskState, String host, String fault, boolean deleted,
      int vcpus, int ram, int disk) {
    boolean settled() {
      return deleted || (("active".equals(vmState) || "error".equals(vmState) || "stopped".equals(vmState))
          && taskState == null);
    }
  }

  /** What one look at the cloud found. */
  static final class Verdict {
    private static final Pattern UUID_IN = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Violations of one instance counted by an earlier scenario: listed again, not counted again. */
    private final Set<String> known;
    final List<String> carried = new ArrayList<>();
    int lost;
    int duplicated;
    int leaked;
    int stuck;
    int overcommitted;
    final List<String> problems = new ArrayList<>();
    /** What the scenario's boots ended as, and the domains seen (-1: libvirt not readable from here). */
    String outcome = "";

    Verdict(Set<String> known) {
      this.known = known;
    }

    boolean passed() {
      return problems.isEmpty();
    }

    void add(String counter, String problem) {
      Matcher id = UUID_IN.matcher(problem);
      if (!counter.equals("other") && id.find()) {
        String key = counter + " " + problem.substring(0, problem.indexOf(' ')) + " " + id.group();
        if (!known.add(key)) {
          carried.add("(left by an earlier scenario) " + counter + ": " + problem);
          return;
        }
      }
      switch (counter) {
        case "lost" -> lost++;
        case "duplicated" -> duplicated++;
        case "leaked" -> leaked++;
        case "stuck" -> stuck++;
        case "overcommitted" -> overcommitted++;
        default -> { }
      }
      problems.add(counter.equals("other") ? problem : counter + ": " + problem);
    }
  }

  /** True once every instance the scenario touched has settled and the queues are drained. */
  boolean settled(Set<String> accepted, Set<String> deletedByUs, Set<String> known) {
    try {
      Map<String, Instance> rows = instances();
      for (String id : accepted) {
        Instance i = rows.get(id);
        if (i == null || !i.settled()) return false;
        if (deletedByUs.contains(id) && !i.deleted) return false;
      }
      for (Instance i : rows.values()) {
        // One an earlier scenario already found stuck would only make every later one wait its whole bound.
        if (!i.settled() && !known.contains("stuck instance " + i.id)) return false;
      }
      // Consumer lag is judged over several looks by check() (undrained): one look may catch records just arriving.
      return outbox() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Every invariant, against everything the project has (so a leak left by an earlier scenario shows too). */
  Verdict check(Set<String> accepted, Set<String> deletedByUs, Set<String> known) throws Exception {
    Verdict v = new Verdict(known);
    // First, so that what the consumers still had to do is done before the rest is read.
    Map<String, Long> undrained = undrained(LAG_DRAIN_MAX_MS, LAG_STALL_MS);
    Map<String, Instance> rows = instances();
    Map<String, List<String>> domains = domains();
    int active = 0;
    int error = 0;
    int gone = 0;
    for (String id : accepted) {
      Instance i = rows.get(id);
      if (i == null) continue;
      if (i.deleted) {
        gone++;
      } else if ("active".equals(i.vmState)) {
        active++;
      } else if ("error".equals(i.vmState)) {
        error++;
      }
    }
    v.outcome = "active=" + active + " error=" + error + " deleted=" + gone + " domains="
        + (domains == null ? "unchecked" : String.valueOf(domains.size()));
    for (String id : accepted) {
      Instance i = rows.get(id);
      if (i == null) {
        v.add("lost", "instance " + id + " was accepted (202) but has no record");
        continue;
      }
      if (deletedByUs.contains(id) && !i.deleted) {
        v.add("stuck", "instance " + id + " was deleted (204) but is still " + i.vmState + "/" + i.taskState);
      }
      if ("error".equals(i.vmState) && i.fault == null && !i.deleted) {
        v.add("lost", "instance " + id + " is ERROR without a fault");
      }
    }
    for (Instance i : rows.values()) {
      if (i.deleted) continue;
      if (!i.settled()) {
        v.add("stuck", "instance " + i.id + " still " + i.vmState + "/" + i.taskState + " on " + i.host);
      }
      if (domains != null && "active".equals(i.vmState)) {
        List<String> hosts = domains.getOrDefault(i.id, List.of());
        if (hosts.isEmpty()) {
          v.add("lost", "instance " + i.id + " is ACTIVE on " + i.host + " but has no domain");
        } else if (hosts.size() > 1 || !hosts.get(0).equals(i.host)) {
          v.add("duplicated", "instance " + i.id + " is ACTIVE on " + i.host + " but has domains on " + hosts);
        }
      }
    }
    // Ports: at most one per instance (each boot asks for one NIC), none for an instance that is gone.
    Map<String, List<String>> ports = ports();
    for (var e : ports.entrySet()) {
      Instance i = rows.get(e.getKey());
      if (i == null || i.deleted) {
        v.add("leaked", e.getValue().size() + " port(s) " + e.getValue() + " of instance " + e.getKey()
            + (i == null ? ", which never existed" : ", which is deleted"));
      } else if (e.getValue().size() > 1) {
        v.add("duplicated", "instance " + e.getKey() + " has " + e.getValue().size() + " ports " + e.getValue());
      }
    }
    for (var e : attachments().entrySet()) {
      Instance i = rows.get(e.getKey());
      if (i == null || i.deleted) {
        v.add("leaked", "volume attachment(s) " + e.getValue() + " of instance " + e.getKey() + ", which is gone");
      }
    }
    for (var e : unattachedBuildVolumes().entrySet()) {
      Instance i = rows.get(e.getKey());
      if (i == null || i.settled()) {
        v.add("leaked", "volume(s) " + e.getValue() + " made for instance " + e.getKey() + " and attached to nothing, "
            + "though its build ended (" + (i == null ? "unknown" : i.deleted ? "deleted" : i.vmState) + ")");
      }
    }
    if (domains != null) {
      for (var e : domains.entrySet()) {
        Instance i = rows.get(e.getKey());
        if (i == null || i.deleted || "error".equals(i.vmState)) {
          v.add("leaked", "domain " + e.getKey() + " on " + e.getValue() + " of an instance that is "
              + (i == null ? "unknown" : i.deleted ? "deleted" : "in ERROR"));
        }
      }
    }
    for (String agent : ChaosCloud.AGENTS) {
      Path instancesDir = cloud.agentStateDir(agent).resolve("instances");
      if (!Files.isDirectory(instancesDir)) continue;
      try (var dirs = Files.list(instancesDir)) {
        for (Path d : dirs.toList()) {
          Instance i = rows.get(d.getFileName().toString());
          if (i == null || i.deleted) v.add("leaked", "disk folder " + d + " of an instance that is gone");
        }
      }
    }
    usage(rows, v);
    overcommit(rows, v);
    long outbox = outbox();
    if (outbox > 0) v.add("stuck", outbox + " row(s) still in the compute API's outbox");
    undrained.forEach((group, lag) -> v.add("stuck", "consumer group " + group + " did not drain: " + lag
        + " record(s) short of what its partitions held when the check began"));
    return v;
  }

  /** The project's quota usage must count exactly its instances that are not deleted. */
  private void usage(Map<String, Instance> rows, Verdict v) throws Exception {
    int count = 0;
    int cores = 0;
    int ram = 0;
    for (Instance i : rows.values()) {
      if (i.deleted) continue;
      count++;
      cores += i.vcpus;
      ram += i.ram;
    }
    List<Row> usage = query("SELECT instances, cores, ram FROM nova.project_usage WHERE project_id = $1",
        Tuple.of(api.projectId));
    int uCount = usage.isEmpty() ? 0 : usage.get(0).getInteger("instances");
    int uCores = usage.isEmpty() ? 0 : usage.get(0).getInteger("cores");
    int uRam = usage.isEmpty() ? 0 : usage.get(0).getInteger("ram");
    if (uCount != count || uCores != cores || uRam != ram) {
      v.add("leaked", "quota usage says " + uCount + " instances/" + uCores + " cores/" + uRam + " MB, the project has "
          + count + "/" + cores + "/" + ram);
    }
  }

  private void overcommit(Map<String, Instance> rows, Verdict v) {
    Map<String, int[]> perHost = new TreeMap<>();
    for (Instance i : rows.values()) {
      if (i.deleted || i.host == null || "error".equals(i.vmState)) continue;
      int[] sum = perHost.computeIfAbsent(i.host, h -> new int[4]);
      sum[0] += i.vcpus;
      sum[1] += i.ram;
      sum[2] += i.disk;
      sum[3]++;
    }
    int ramCapacity = ChaosConfig.HOST_MEMORY_MB - ChaosConfig.HOST_RESERVED_MB;
    perHost.forEach((host, s) -> {
      if (s[0] > ChaosConfig.HOST_VCPUS || s[1] > ramCapacity || s[2] > ChaosConfig.HOST_DISK_GB) {
        v.add("overcommitted", "host " + host + " holds " + s[3] + " instances: " + s[0] + "/" + ChaosConfig.HOST_VCPUS
            + " vCPUs, " + s[1] + "/" + ramCapacity + " MB, " + s[2] + "/" + ChaosConfig.HOST_DISK_GB + " GB");
      }
    });
  }

  Map<String, Instance> instances() throws Exception {
    Map<String, Instance> m = new HashMap<>();
    for (Row r : query("SELECT id::text AS id, vm_state, task_state, host, fault::text AS fault, deleted,"
        + " flavor FROM nova.instances WHERE project_id = $1", Tuple.of(api.projectId))) {
      JsonObject f = r.getJsonObject("flavor");
      m.put(r.getString("id"), new Instance(r.getString("id"), r.getString("vm_state"), r.getString("task_state"),
          r.getString("host"), r.getString("fault"), r.getBoolean("deleted"), f.getInteger("vcpus", 0),
          f.getInteger("ram", 0), f.getInteger("disk", 0)));
    }
    return m;
  }

  /** Instance id to its ports (device_owner compute:*). */
  private Map<String, List<String>> ports() throws Exception {
    Map<String, List<String>> m = new HashMap<>();
    for (Row r : query("SELECT id::text AS id, device_id FROM neutron.ports WHERE project_id = $1"
        + " AND device_owner LIKE 'compute:%' AND device_id <> ''", Tuple.of(api.projectId))) {
      m.computeIfAbsent(r.getString("device_id"), k -> new ArrayList<>()).add(r.getString("id"));
    }
    return m;
  }

  private Map<String, List<String>> attachments() throws Exception {
    Map<String, List<String>> m = new HashMap<>();
    for (Row r : query("SELECT id::text AS id, instance_uuid::text AS instance FROM cinder.attachments"
        + " WHERE project_id = $1 AND instance_uuid IS NOT NULL", Tuple.of(api.projectId))) {
      m.computeIfAbsent(r.getString("instance"), k -> new ArrayList<>()).add(r.getString("id"));
    }
    return m;
  }

  /**
   * Instance id to the volumes an agent made for its build (named {@code instance-<id>}, from an image or blank) that are
   * {@code creating} or {@code available} with no attachment: once the build ended, each is attached or deleted.
   */
  private Map<String, List<String>> unattachedBuildVolumes() throws Exception {
    Map<String, List<String>> m = new HashMap<>();
    for (Row r : query("SELECT v.id::text AS id, v.name FROM cinder.volumes v WHERE v.project_id = $1"
        + " AND v.name LIKE 'instance-%' AND v.status IN ('creating', 'available')"
        + " AND NOT EXISTS (SELECT 1 FROM cinder.attachments a WHERE a.volume_id = v.id)", Tuple.of(api.projectId))) {
      m.computeIfAbsent(r.getString("name").substring("instance-".length()), k -> new ArrayList<>())
          .add(r.getString("id"));
    }
    return m;
  }

  long outbox() throws Exception {
    return query("SELECT count(*) AS n FROM nova.outbox", Tuple.tuple()).get(0).getLong("n");
  }

  /** Instance id to the hosts its domains say they belong to; null when libvirt cannot be read from here. */
  Map<String, List<String>> domains() throws LibvirtException {
    if (libvirt == null) return null;
    Map<String, List<String>> m = new HashMap<>();
    List<Domain> all = new ArrayList<>();
    synchronized (this) {
      for (int id : libvirt.listDomains()) {
        try {
          all.add(libvirt.domainLookupByID(id));
        } catch (LibvirtException e) {
          // gone meanwhile
        }
      }
      for (String name : libvirt.listDefinedDomains()) {
        try {
          all.add(libvirt.domainLookupByName(name));
        } catch (LibvirtException e) {
          // gone meanwhile
        }
      }
      for (Domain d : all) {
        try {
          Matcher matcher = HOST_META.matcher(d.getXMLDesc(0));
          if (matcher.find() && matcher.group(2).startsWith(cloud.hostPrefix)) {
            m.computeIfAbsent(d.getUUIDString(), k -> new ArrayList<>()).add(matcher.group(2));
          }
        } catch (LibvirtException e) {
          // undefined meanwhile
        }
      }
    }
    return m;
  }

  /**
   * The consumer groups that do not drain: looked at every half second until each has committed what its partitions
   * held at the first look, or until none of those short has committed anything for {@code stallMillis}, or for
   * {@code maxMillis} at most.
   */
  Map<String, Long> undrained(long maxMillis, long stallMillis) throws Exception {
    DrainWatch watch = new DrainWatch(stallMillis);
    long start = System.currentTimeMillis();
    while (true) {
      long now = System.currentTimeMillis();
      Map<String, Long> shortBy = watch.observe(now, offsets());
      if (shortBy.isEmpty() || watch.stalled(now) || now - start >= maxMillis) return shortBy;
      Run.sleep(500);
    }
  }

  /** Consumer group to its partitions' committed and end offsets. */
  private Map<String, Map<String, DrainWatch.Offsets>> offsets() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cloud.settings.get("kafka.bootstrap"));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    Map<String, Map<String, DrainWatch.Offsets>> all = new TreeMap<>();
    try (Admin admin = Admin.create(p)) {
      for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
        // A group named for one process (the scheduler's claim releases) dies with it: its lag is nobody's work.
        if (EPHEMERAL_GROUP.matcher(g.groupId()).find()
            && g.groupState().map(s -> s == GroupState.EMPTY || s == GroupState.DEAD).orElse(false)) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.forEach((tp, o) -> {
          if (o != null) latest.put(tp, OffsetSpec.latest());
        });
        if (latest.isEmpty()) continue;
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        Map<String, DrainWatch.Offsets> partitions = new TreeMap<>();
        ends.forEach((tp, end) -> partitions.put(tp.toString(),
            new DrainWatch.Offsets(committed.get(tp).offset(), end.offset())));
        all.put(g.groupId(), partitions);
      }
    }
    return all;
  }

  List<Row> query(String sql, Tuple params) throws Exception {
    PgConnectOptions options = PgConnectOptions.fromUri(cloud.settings.get("pg.uri"))
        .setPassword(cloud.settings.get("pg.password"));
    PgConnection conn = PgConnection.connect(cloud.vertx, options).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    try {
      RowSet<Row> rows = conn.preparedQuery(sql).execute(params).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    } finally {
      conn.close();
    }
  }

  /** Ids of the project's instances that are not deleted (the clean-up between scenarios). */
  Set<String> live() throws Exception {
    Set<String> ids = new HashSet<>();
    instances().values().forEach(i -> {
      if (!i.deleted) ids.add(i.id);
    });
    return ids;
  }

  @Override
  public void close() {
    try {
      if (libvirt != null) libvirt.close();
    } catch (LibvirtException ignored) {
      // closing at the end of the run
    }
  }
}
