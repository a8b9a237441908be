package io.strato.agent;

import io.strato.agent.clients.NetworkClient;
import io.strato.agent.clients.VolumeClient;
import io.strato.agent.hypervisor.GuestSpec;
import io.strato.agent.hypervisor.HypervisorDriver;
import io.strato.agent.hypervisor.PowerState;
import io.strato.agent.net.PlumbedPort;
import io.strato.common.faults.PausePoints;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one instance, in Nova's order and with its task states: re-check the claim against this host's own
 * account (refuse and reschedule what does not fit), {@code block_device_mapping} (volumes), {@code networking}
 * (ports), {@code spawning} (image from the cache, root overlay, domain), then {@code ACTIVE}. The conductor hears
 * twice, each a compare-and-set fenced by this host and the assignment's attempt: when the build starts here (the
 * instance shows {@code spawning}) and when it ends, with every step and its times as instance-action events. A failure at any step undoes what was made (domain, overlay, ports, volumes) and ends in
 * ERROR with a fault naming the step.
 *
 * <p>The instance's record is read before any side effect and again before the domain is defined: a build whose
 * instance was deleted meanwhile, or that lost the race to another host (the conductor recorded that host's first
 * step, not this one's), is cancelled: it undoes what it made and its claim is given back.
 */
final class Builder {
  private static final Logger LOG = LoggerFactory.getLogger(Builder.class);
  private static final int LOOKUP_ATTEMPTS = 5;
  private static final long LOOKUP_BACKOFF_MS = 500;
  private static final long CONFIRM_BACKOFF_MS = 20;
  private static final long CONFIRM_BACKOFF_MAX_MS = 1000;
  private final AgentHost host;
  private final PausePoints pauses;

  Builder(AgentHost host) {
    this.host = host;
    this.pauses = PausePoints.of(host.vertx(), host.settings());
  }

  /**
   * Builds the assigned instance, unless the compute API's record of it says there is nothing to build (gone,
   * finished, being deleted, placed elsewhere) or that a build here was interrupted by a restart: checked before any
   * side effect, so a redelivered assignment never touches what an earlier build made.
   */
  Future<Void> build(Assignment a) {
    String id = a.instanceId();
    if (host.records.containsKey(id)) return Future.succeededFuture(); // redelivered: building here already
    return recorded(id, LOOKUP_ATTEMPTS).compose(server -> {
      BuildGuard guard = BuildGuard.of(server, host.name);
      return switch (guard.verdict()) {
        case BUILD -> start(a);
        case SKIP -> {
          LOG.info("[{}] not building instance {} on {}: {}", a.request().requestId(), id, host.name, guard.reason());
          yield guard.declines() ? decline(a, guard.reason()) : Future.succeededFuture();
        }
        case INTERRUPTED -> interrupted(a, server, guard.reason());
      };
    }, e -> host.publisher.send(InstanceUpdate.buildError(Origin.unplaced(a.request().requestId()), id,
        TaskState.SCHEDULING, "Build of instance " + id + " aborted: its state could not be checked ("
            + e.getMessage() + ")")));
  }

  /**
   * Tells the scheduler this host builds nothing for the instance (its claim here is released): an update to ERROR
   * from this host, which the conductor never applies, since the instance is gone, finished or another host's.
   */
  private Future<Void> decline(Assignment a, String reason) {
    String id = a.instanceId();
    return host.publisher.send(InstanceUpdate.buildError(new Origin(host.name, a.attempt(), a.request().requestId()),
        id, TaskState.SCHEDULING, "Build of instance " + id + " on " + host.name + " cancelled: " + reason));
  }

  /** The compute API's record of the instance, asked again with a back-off when the API does not answer. */
  private Future<JsonObject> recorded(String id, int attemptsLeft) {
    return host.compute.server(id).recover(e -> {
      if (attemptsLeft <= 1) return Future.failedFuture(e);
      Promise<JsonObject> later = Promise.promise();
      host.vertx().setTimer(LOOKUP_BACKOFF_MS * (LOOKUP_ATTEMPTS - attemptsLeft + 1),
          t -> recorded(id, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /**
   * A build that began here before the agent restarted: what it made that can be found (its domain and disk, its
   * ports, its volumes and their attachments; the user's own ports and volumes are given back, not deleted) is
   * removed, then the instance is built again from its first step, here, under the same attempt (the conductor
   * already records this host building it). What it made before cannot be trusted half made; made again, it is
   * whole. A failure of the new build ends it in ERROR as any build's.
   */
  private Future<Void> interrupted(Assignment a, JsonObject server, String reason) {
    BootRequest req = a.request();
    InstanceRecord rec = new InstanceRecord(a.instanceId(), req.projectId(), req.requestId());
    rec.taskState = TaskState.of(server.getString("OS-EXT-STS:task_state"));
    rec.domainDefined = true; // not known: look
    Object networks = req.build().getValue("networks");
    List<String> usersPorts = networks instanceof JsonArray list ? list.stream()
        .filter(o -> o instanceof JsonObject).map(o -> ((JsonObject) o).getString("port"))
        .filter(p -> p != null).toList() : List.of();
    Future<List<JsonObject>> ports = host.network.available()
        ? host.network.portsOf(rec.projectId, rec.id) : Future.succeededFuture(List.of());
    Future<Void> volumes = madeVolumes(rec, req);
    return Future.join(ports.recover(e -> Future.succeededFuture(List.of())), volumes).compose(all -> {
      List<JsonObject> found = all.resultAt(0);
      found.forEach(p -> rec.ports.add(InstanceRecord.portEntry(p, !usersPorts.contains(p.getString("id")))));
      LOG.warn("[{}] instance {} on {}: {}; cleaning up and building it again", rec.requestId, rec.id, host.name,
          reason);
      return host.cleanup(rec, true);
    }).compose(v -> start(a, true));
  }

  /**
   * Adds to {@code rec} the volumes an interrupted build may have made or attached: every attachment of the instance
   * (a volume the boot named is the user's, given back; any other the build created) and the volumes it created
   * ({@link #volumeName}) that it had not attached yet. What cannot be listed is left, and logged.
   */
  private Future<Void> madeVolumes(InstanceRecord rec, BootRequest req) {
    if (!host.volumes.available()) return Future.succeededFuture();
    List<String> usersVolumes = req.build().getJsonArray("block_device_mapping_v2", new JsonArray()).stream()
        .filter(o -> o instanceof JsonObject d && "volume".equals(d.getString("source_type")))
        .map(o -> ((JsonObject) o).getString("uuid")).toList();
    Future<List<JsonObject>> attachments = host.volumes.attachmentsOf(rec.projectId, rec.id);
    Future<List<JsonObject>> created = host.volumes.volumesNamed(rec.projectId, volumeName(rec.id));
    return Future.all(attachments, created).<Void>map(all -> {
      Set<String> seen = new HashSet<>();
      for (JsonObject att : all.<List<JsonObject>>resultAt(0)) {
        String volume = att.getString("volume_id");
        seen.add(volume);
        rec.volumes.add(new JsonObject().put("id", volume).put("attachment_id", att.getString("id"))
            .put("created", !usersVolumes.contains(volume)).put("delete_on_termination", false));
      }
      for (JsonObject v : all.<List<JsonObject>>resultAt(1)) {
        if (seen.add(v.getString("id"))) {
          rec.volumes.add(new JsonObject().put("id", v.getString("id")).put("created", true)
              .put("delete_on_termination", false));
        }
      }
      return null;
    }).recover(e -> {
      LOG.warn("[{}] instance {}: could not list the volumes its build made: {}", rec.requestId, rec.id, e.toString());
      return Future.succeededFuture();
    });
  }

  /** The name of a volume a build creates for an instance ({@code block_device_mapping_v2} from image or blank). */
  private static String volumeName(String instanceId) {
    return "instance-" + instanceId;
  }

  private Future<Void> start(Assignment a) {
    return start(a, false);
  }

  /** @param resumed the conductor already records this host building the instance: no first update to send */
  private Future<Void> start(Assignment a, boolean resumed) {
    String id = a.instanceId();
    if (host.records.containsKey(id)) return Future.succeededFuture(); // the same order twice in one batch
    BootRequest req = a.request();
    var usage = new ResourceTracker.Usage(req.flavor().vcpus(), req.flavor().ramMb(), req.flavor().diskGb());
    if (!host.tracker.tryClaim(id, usage)) return refuse(a);
    InstanceRecord rec = new InstanceRecord(id, req.projectId(), req.requestId());
    rec.attempt = a.attempt();
    req.build().getJsonArray("security_groups", new JsonArray())
        .forEach(g -> rec.securityGroups.add(((JsonObject) g).getString("name")));
    host.records.put(id, rec);
    host.tracker.buildStarted();
    host.changed();
    if (resumed) rec.reported = TaskState.SPAWNING;
    return (resumed ? Future.<Void>succeededFuture() : started(rec))
        .compose(v -> enter(rec, TaskState.BLOCK_DEVICE_MAPPING, req))
        .compose(v -> blockDevices(rec, req))
        .compose(disks -> enter(rec, TaskState.NETWORKING, req)
            .compose(v -> networking(rec, req))
            .compose(v -> enter(rec, TaskState.SPAWNING, req))
            .compose(v -> spawn(rec, req, disks)))
        .compose(v -> finish(rec))
        .recover(e -> fail(rec, e));
  }

  /** The claim does not fit here after all: back to the scheduler with this host excluded, while attempts remain. */
  private Future<Void> refuse(Assignment a) {
    BootRequest req = a.request();
    int maxAttempts = host.settings().getInt("scheduler.max.attempts");
    LOG.info("[{}] instance {} does not fit on {} (attempt {} of {})", req.requestId(), a.instanceId(), host.name,
        a.attempt(), maxAttempts);
    if (req.attempt() < maxAttempts) {
      return host.publisher.reschedule(req.reschedule(a.instanceId(), List.of(host.name)));
    }
    return host.publisher.send(InstanceUpdate.buildError(Origin.unplaced(req.requestId()), a.instanceId(),
        TaskState.SCHEDULING, "Exceeded maximum number of retries. Exhausted all hosts available for retrying build"
            + " failures for instance " + a.instanceId() + "."));
  }

  /**
   * Tells the conductor the build runs here (the instance shows {@code spawning} on this host from now on): the first
   * of the build's two updates, and the one {@link #confirmPlacement} waits for.
   */
  private Future<Void> started(InstanceRecord rec) {
    return host.publisher.send(InstanceUpdate.buildStarted(origin(rec), rec.id))
        .onSuccess(v -> rec.reported = TaskState.SPAWNING);
  }

  /**
   * Ends the current step and starts the next one here, without an update: the steps and their times go with the
   * build's end ({@link #finish}, {@link #fail}), which keeps a build at two updates. (A test may pause a build
   * here, at the step's start: {@link PausePoints}.)
   */
  private Future<Void> enter(InstanceRecord rec, TaskState next, BootRequest req) {
    endStep(rec, true);
    rec.taskState = next;
    rec.stepStartedMillis = System.currentTimeMillis();
    return pauses.at(next.wire(), req.build(), rec.id);
  }

  private static void endStep(InstanceRecord rec, boolean succeeded) {
    if (rec.taskState != null && rec.taskState != TaskState.SCHEDULING) {
      rec.steps.add(InstanceUpdate.Step.of(rec.taskState, rec.stepStartedMillis, succeeded));
    }
  }

  private Origin origin(InstanceRecord rec) {
    return new Origin(host.name, rec.attempt, rec.requestId);
  }

  /** Volumes from {@code block_device_mapping_v2}: created (blank or from an image) or existing, then attached. */
  private Future<List<GuestSpec.Disk>> blockDevices(InstanceRecord rec, BootRequest req) {
    JsonArray bdm = req.build().getJsonArray("block_device_mapping_v2", new JsonArray());
    List<JsonObject> wanted = bdm.stream().map(o -> (JsonObject) o)
        .filter(d -> "volume".equals(d.getString("destination_type"))).toList();
    if (wanted.isEmpty()) return Future.succeededFuture(List.of());
    VolumeClient volumes = host.volumes;
    if (!volumes.available()) {
      return Future.failedFuture(new IllegalStateException("block storage is not available in this cloud"));
    }
    List<GuestSpec.Disk> disks = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    char dev = 'a';
    for (JsonObject d : wanted) {
      String target = "vd" + dev++;
      chain = chain.compose(v -> volumeFor(rec, d))
          .compose(volumeId -> volumes.attach(rec.projectId, volumeId, rec.id, host.name).map(att -> {
            rec.volumes.add(new JsonObject().put("id", volumeId).put("attachment_id", att.getString("id"))
                .put("created", !"volume".equals(d.getString("source_type")))
                .put("delete_on_termination", d.getBoolean("delete_on_termination", false))
                .put("boot", Integer.valueOf(0).equals(d.getInteger("boot_index"))));
            JsonObject data = att.getJsonObject("connection_info", new JsonObject()).getJsonObject("data",
                new JsonObject());
            disks.add(new GuestSpec.Disk(Path.of(data.getString("device_path")), data.getString("format", "raw"),
                target, "virtio"));
            return null;
          }));
    }
    return chain.map(v -> disks);
  }

  private Future<String> volumeFor(InstanceRecord rec, JsonObject d) {
    String source = d.getString("source_type");
    if ("volume".equals(source)) return Future.succeededFuture(d.getString("uuid"));
    String image = "image".equals(source) ? d.getString("uuid") : null;
    int size = d.getInteger("volume_size", 1);
    long deadline = System.currentTimeMillis() + 300_000;
    return host.volumes.create(rec.projectId, volumeName(rec.id), size, image)
        .compose(v -> host.volumes.awaitAvailable(rec.projectId, v.getString("id"), deadline))
        .map(v -> v.getString("id"));
  }

  /** Ports: the ones asked for (by network, fixed IP or existing port), or the project's only network. */
  private Future<Void> networking(InstanceRecord rec, BootRequest req) {
    Object requested = req.build().getValue("networks");
    JsonArray list = requested instanceof JsonArray a ? a : new JsonArray();
    NetworkClient network = host.network;
    // The compute API passes "none"/"auto" as the bare string (POST /servers at 2.37+ style), not inside a list.
    if ("none".equals(requested) || list.contains("none")) return Future.succeededFuture();
    List<JsonObject> explicit = list.stream().filter(o -> o instanceof JsonObject).map(o -> (JsonObject) o).toList();
    if (explicit.isEmpty()) {
      if (!network.available()) return Future.succeededFuture();
      return network.networksFor(rec.projectId).compose(nets -> {
        if (nets.isEmpty()) return Future.succeededFuture();
        if (nets.size() > 1) {
          return Future.failedFuture(new IllegalStateException(
              "Multiple possible networks found, use a Network ID to be more specific."));
        }
        return plug(rec, new JsonObject().put("uuid", nets.get(0).getString("id")));
      });
    }
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject n : explicit) chain = chain.compose(v -> plug(rec, n));
    return chain;
  }

  private Future<Void> plug(InstanceRecord rec, JsonObject wanted) {
    NetworkClient network = host.network;
    String az = host.config().availabilityZone();
    Future<JsonObject> port = wanted.getString("port") != null
        ? network.bindPort(rec.projectId, wanted.getString("port"), rec.id, host.name, az)
        : network.createPort(wanted.getString("uuid"), wanted.getString("fixed_ip"), rec.projectId, rec.id,
            rec.attempt, rec.ports.size(), host.name, az, rec.securityGroups);
    return port.compose(p -> {
      rec.ports.add(InstanceRecord.portEntry(p, wanted.getString("port") == null));
      return host.plumber.plug(rec.projectId, PlumbedPort.of(p)).compose(v -> network.network(rec.projectId,
          p.getString("network_id"))).map(net -> {
        JsonArray addrs = rec.addresses.getJsonArray(net.getString("name"), new JsonArray());
        for (Object o : p.getJsonArray("fixed_ips", new JsonArray())) {
          String ip = ((JsonObject) o).getString("ip_address");
          addrs.add(new JsonObject().put("version", ip.contains(":") ? 6 : 4).put("addr", ip)
              .put("OS-EXT-IPS:type", "fixed").put("OS-EXT-IPS-MAC:mac_addr", p.getString("mac_address")));
        }
        rec.addresses.put(net.getString("name"), addrs);
        return null;
      });
    });
  }

  /** The root disk (overlay on the cached image, unless a volume boots it), kernel and ramdisk, then the domain. */
  private Future<Void> spawn(InstanceRecord rec, BootRequest req, List<GuestSpec.Disk> volumeDisks) {
    Path dir = host.instanceDir(rec.id);
    boolean bootVolume = rec.volumes.stream().anyMatch(v -> v.getBoolean("boot", false));
    Map<String, String> props = req.image().properties();
    Future<List<GuestSpec.Disk>> disks;
    if (bootVolume || req.image().id().isEmpty()) {
      disks = Future.succeededFuture(volumeDisks);
    } else {
      disks = host.cache.fetch(rec.projectId, req.image().id())
          .compose(base -> DiskImages.overlay(host.vertx(), base, dir.resolve("disk"), req.flavor().diskGb()))
          .map(overlay -> {
            rec.overlay = overlay;
            List<GuestSpec.Disk> all = new ArrayList<>();
            all.add(new GuestSpec.Disk(overlay, "qcow2", "vda", "virtio"));
            char dev = 'b';
            for (GuestSpec.Disk d : volumeDisks) all.add(new GuestSpec.Disk(d.path(), d.format(), "vd" + dev++, d.bus()));
            return all;
          });
    }
    if (ConfigDrive.wanted(req.build())) {
      disks = disks.compose(d -> host.configDrive.write(rec.id, dir).map(iso -> {
        List<GuestSpec.Disk> all = new ArrayList<>(d);
        all.add(GuestSpec.Disk.cdrom(iso, "hdd"));
        return all;
      }));
    }
    Future<Path> kernel = host.cachedImage(rec.projectId, props.get("kernel_id"));
    Future<Path> ramdisk = host.cachedImage(rec.projectId, props.get("ramdisk_id"));
    return Future.all(disks, kernel, ramdisk).compose(all -> {
      List<GuestSpec.Nic> nics = rec.ports.stream().map(p -> host.plumber.nic(InstanceRecord.plumbed(p))).toList();
      GuestSpec guest = new GuestSpec(rec.id, "instance-" + rec.id, host.name, host.config().effectiveDomainType(),
          req.flavor().vcpus(), req.flavor().ramMb(), all.resultAt(0), all.resultAt(1), all.resultAt(2),
          all.resultAt(1) == null ? null : props.getOrDefault("os_command_line", "console=ttyS0 root=/dev/vda"),
          nics, dir.resolve("console.log"));
      return confirmPlacement(rec, System.currentTimeMillis() + confirmTimeoutMs(), CONFIRM_BACKOFF_MS).compose(v -> {
        rec.domainDefined = true;
        return host.vertx().fileSystem().mkdirs(dir.toString()).compose(x -> host.driver.spawn(guest))
            .compose(x -> host.wire(rec));
      });
    }).compose(v -> host.driver.powerState(rec.id)).map(state -> {
      if (state != PowerState.RUNNING) throw new IllegalStateException("the domain did not start (power state "
          + state + ")");
      return null;
    });
  }

  /** The build was cancelled: the instance is gone or being deleted, or another host builds it. */
  static final class Cancelled extends RuntimeException {
    Cancelled(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * How long a build waits for the conductor to record its first step: the conductor's own build timeout. The record
   * decides before that (this host, another, ERROR once the conductor times the build out, deleted), so a conductor
   * that is down or restarting only delays the build; the bound is a backstop should the record never change.
   */
  private long confirmTimeoutMs() {
    return host.settings().getLong("conductor.build.timeout.seconds") * 1000;
  }

  /**
   * Before the domain is defined: the record must still be building, not being deleted, and on this host (the
   * conductor recorded this build's first step). While the record shows no host yet (the conductor has not applied
   * that step, or is down), ask again with a back-off doubling from {@code backoffMs} up to a second, until
   * {@code deadline}.
   */
  private Future<Void> confirmPlacement(InstanceRecord rec, long deadline, long backoffMs) {
    return host.compute.server(rec.id).compose(server -> {
      if (server == null) return Future.failedFuture(new Cancelled("the instance was deleted"));
      VmState vmState = VmState.of(server.getString("OS-EXT-STS:vm_state"));
      TaskState task = TaskState.of(server.getString("OS-EXT-STS:task_state"));
      String recorded = server.getString("OS-EXT-SRV-ATTR:host");
      if (vmState != VmState.BUILDING) return Future.failedFuture(new Cancelled("the instance is " + vmState));
      if (task == TaskState.DELETING) return Future.failedFuture(new Cancelled("the instance is being deleted"));
      if (recorded != null && !recorded.isEmpty()) {
        return recorded.equals(host.name) ? Future.succeededFuture()
            : Future.failedFuture(new Cancelled("the instance is being built on " + recorded));
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new IllegalStateException("the conductor never recorded this host's build"));
      }
      Promise<Void> later = Promise.promise();
      host.vertx().setTimer(backoffMs, t -> confirmPlacement(rec, deadline,
          Math.min(CONFIRM_BACKOFF_MAX_MS, backoffMs * 2)).onComplete(later));
      return later.future();
    });
  }

  private Future<Void> finish(InstanceRecord rec) {
    endStep(rec, true);
    rec.vmState = VmState.ACTIVE;
    rec.taskState = null;
    host.tracker.buildEnded(true);
    host.changed();
    JsonObject changes = new JsonObject().put("addresses", rec.addresses)
        .put("volumes_attached", rec.volumesAttached());
    return host.publisher.send(InstanceUpdate.built(origin(rec), rec.id, changes, rec.steps));
  }

  private Future<Void> fail(InstanceRecord rec, Throwable e) {
    TaskState step = rec.taskState;
    if (e instanceof Cancelled) {
      LOG.info("[{}] build of instance {} on {} cancelled while {}: {}; undoing it", rec.requestId, rec.id, host.name,
          step, e.getMessage());
    } else {
      LOG.warn("[{}] build of instance {} on {} failed while {}: {}", rec.requestId, rec.id, host.name, step,
          e.toString());
    }
    host.tracker.buildEnded(!(e instanceof Cancelled));
    return host.cleanup(rec, true).compose(v -> {
      host.tracker.release(rec.id);
      host.records.remove(rec.id);
      host.changed();
      // A cancelled build's update is refused by the conductor (the instance is gone, deleting or another host's);
      // it tells the scheduler to give back this host's claim.
      String message = e instanceof Cancelled
          ? "Build of instance " + rec.id + " on " + host.name + " cancelled while " + step + ": " + e.getMessage()
          : "Build of instance " + rec.id + " aborted while " + step + ": " + e.getMessage();
      if (rec.reported == TaskState.SPAWNING) {
        endStep(rec, false);
        return host.publisher.send(InstanceUpdate.buildFailed(origin(rec), rec.id, rec.steps, message));
      }
      // The build's start was never recorded: the instance is still scheduling as far as the conductor knows.
      return host.publisher.send(InstanceUpdate.buildError(origin(rec), rec.id, rec.reported, message));
    });
  }

}
