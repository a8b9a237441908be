package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.strato.agent.hypervisor.GuestSpec;
import io.strato.agent.hypervisor.PowerState;
import io.strato.agent.net.PlumbedPort;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, makes libvirt agree with the compute API for one host, in both directions:
 * <ul>
 *   <li>a domain whose instance is gone (deleted while the agent was down) or placed on another host is destroyed;
 *       one whose build may still be recorded (the instance is building and no host is recorded yet: the conductor
 *       has not applied this host's first update) is kept, and looked at again every
 *       {@code agent.reconcile.grace.seconds} until the record says whose it is;</li>
 *   <li>an instance the API places here that has no domain (the hypervisor restarted; a simulated one always
 *       forgets) is brought back from what the API, the image service and the network service know, like Nova's
 *       {@code resume_guests_state_on_host_boot}: started again if it was running, defined and left off if it
 *       was stopped;</li>
 *   <li>every instance found is counted in the host's resource account.</li>
 * </ul>
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private Reconciler() {}

  static Future<Void> reconcile(AgentHost host, ComputeClient compute) {
    return Future.all(host.driver.domainsOf(host.name), compute.serversOn(host.name)).compose(both -> {
      List<String> domains = both.resultAt(0);
      List<JsonObject> servers = both.resultAt(1);
      Set<String> live = new HashSet<>();
      servers.forEach(s -> live.add(s.getString("id")));
      List<Future<Void>> work = new ArrayList<>();
      for (String uuid : domains) {
        if (!live.contains(uuid)) work.add(unlisted(host, compute, uuid));
      }
      for (JsonObject server : servers) {
        if ("building".equals(server.getString("OS-EXT-STS:vm_state"))) continue; // the build is redelivered
        work.add(adopt(host, compute, server, domains.contains(server.getString("id"))));
      }
      return Future.join(work).<Void>mapEmpty();
    }).recover(e -> {
      LOG.warn("{}: could not reconcile with the compute API ({}); continuing", host.name, e.toString());
      return Future.succeededFuture();
    });
  }

  /**
   * A domain of this host whose instance the compute API does not list here: its own record decides. Destroyed when
   * the instance is gone or recorded on another host (or ended without reaching one); kept while its build may still
   * be recorded, or while the API cannot be asked, and looked at again after the grace period.
   */
  private static Future<Void> unlisted(AgentHost host, ComputeClient compute, String uuid) {
    return compute.server(uuid).map(server -> {
      String onHost = server == null ? null : server.getString("OS-EXT-SRV-ATTR:host");
      String vmState = server == null ? null : server.getString("OS-EXT-STS:vm_state");
      if (server == null) return "its instance is gone";
      if (onHost != null && !onHost.isEmpty()) return onHost.equals(host.name) ? null : "its instance is on " + onHost;
      return "building".equals(vmState) ? "" : "its instance is " + vmState + " and was never placed here";
    }).recover(e -> {
      LOG.warn("{}: cannot ask the compute API about domain {} ({}); keeping it for now", host.name, uuid,
          e.toString());
      return Future.succeededFuture("");
    }).compose(verdict -> {
      if (verdict == null) return Future.succeededFuture();
      if (verdict.isEmpty()) {
        long grace = host.settings().getLong("agent.reconcile.grace.seconds") * 1000;
        LOG.info("{}: keeping domain {}: its build may not be recorded yet; looking again in {} ms", host.name, uuid,
            grace);
        host.vertx().setTimer(Math.max(1, grace), t -> unlisted(host, compute, uuid));
        return Future.succeededFuture();
      }
      LOG.info("{}: destroying domain {}: {}", host.name, uuid, verdict);
      return host.driver.destroy(uuid);
    });
  }

  private static Future<Void> adopt(AgentHost host, ComputeClient compute, JsonObject server, boolean hasDomain) {
    String id = server.getString("id");
    return compute.flavor(server.getJsonObject("flavor").getString("id")).compose(f -> {
      if (f == null) return Future.succeededFuture();
      host.tracker.adopt(id, new ResourceTracker.Usage(f.getInteger("vcpus"), f.getInteger("ram"),
          f.getInteger("disk")));
      String vmState = server.getString("OS-EXT-STS:vm_state");
      if (hasDomain || !("active".equals(vmState) || "stopped".equals(vmState))) return Future.succeededFuture();
      LOG.info("{}: instance {} is {} but has no domain: bringing it back", host.name, id, vmState);
      return respawn(host, server, f).compose(v -> "stopped".equals(vmState)
          ? host.driver.powerOff(id) : Future.succeededFuture());
    }).recover(e -> {
      LOG.warn("{}: could not bring instance {} back: {}", host.name, id, e.toString());
      return Future.succeededFuture();
    });
  }

  /** The domain again, from the flavor, the image (disk kept on this host, or a new overlay) and the ports. */
  private static Future<Void> respawn(AgentHost host, JsonObject server, JsonObject flavor) {
    String id = server.getString("id");
    Object imageField = server.getValue("image");
    if (!(imageField instanceof JsonObject image)) {
      return Future.failedFuture(new IllegalStateException("booted from a volume: not brought back automatically"));
    }
    Path dir = host.instanceDir(id);
    Path disk = dir.resolve("disk");
    String project = server.getString("tenant_id");
    return host.images.image(project, image.getString("id")).compose(img -> {
      Future<Path> root = host.vertx().fileSystem().exists(disk.toString()).compose(exists -> exists
          ? Future.succeededFuture(disk)
          : host.cache.fetch(project, img).compose(base -> DiskImages.overlay(host.vertx(), base, disk,
              flavor.getInteger("disk"))));
      Future<Path> kernel = host.cachedImage(project, img.getString("kernel_id"));
      Future<Path> ramdisk = host.cachedImage(project, img.getString("ramdisk_id"));
      Future<List<JsonObject>> ports = host.network.available() ? host.network.portsOf(project, id)
          : Future.succeededFuture(List.of());
      return Future.all(root, kernel, ramdisk, ports).compose(all -> {
        List<JsonObject> portList = all.resultAt(3);
        List<PlumbedPort> plumbed = portList.stream().map(PlumbedPort::of).toList();
        List<GuestSpec.Nic> nics = plumbed.stream().map(host.plumber::nic).toList();
        Path k = all.resultAt(1);
        GuestSpec guest = new GuestSpec(id, "instance-" + id, host.name, host.config().effectiveDomainType(),
            flavor.getInteger("vcpus"), flavor.getInteger("ram"),
            List.of(new GuestSpec.Disk(all.resultAt(0), "qcow2", "vda", "virtio")), k, all.resultAt(2),
            k == null ? null : img.getString("os_command_line", "console=ttyS0 root=/dev/vda"), nics,
            dir.resolve("console.log"));
        Future<Void> plugged = Future.succeededFuture();
        for (PlumbedPort p : plumbed) plugged = plugged.compose(v -> host.plumber.plug(project, p));
        return plugged.compose(v -> host.driver.spawn(guest)).compose(v -> {
          Future<Void> wired = Future.succeededFuture();
          for (PlumbedPort p : plumbed) wired = wired.compose(x -> host.plumber.wire(p));
          return wired;
        });
      });
    }).compose(v -> host.driver.powerState(id)).map(state -> {
      if (state != PowerState.RUNNING) throw new IllegalStateException("the domain did not start again");
      return null;
    });
  }
}
