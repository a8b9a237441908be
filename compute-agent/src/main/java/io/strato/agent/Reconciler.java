package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.strato.agent.hypervisor.GuestSpec;
import io.strato.agent.hypervisor.PowerState;
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
 *   <li>a domain whose instance is gone (deleted while the agent was down) is destroyed;</li>
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
        if (!live.contains(uuid)) {
          LOG.info("{}: destroying domain {}: its instance is not on this host any more", host.name, uuid);
          work.add(host.driver.destroy(uuid));
        }
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
        List<GuestSpec.Nic> nics = portList.stream().map(p -> new GuestSpec.Nic(p.getString("mac_address"),
            "default", p.getString("id"))).toList();
        Path k = all.resultAt(1);
        GuestSpec guest = new GuestSpec(id, "instance-" + id, host.name, host.config().effectiveDomainType(),
            flavor.getInteger("vcpus"), flavor.getInteger("ram"),
            List.of(new GuestSpec.Disk(all.resultAt(0), "qcow2", "vda", "virtio")), k, all.resultAt(2),
            k == null ? null : img.getString("os_command_line", "console=ttyS0 root=/dev/vda"), nics,
            dir.resolve("console.log"));
        return host.driver.spawn(guest);
      });
    }).compose(v -> host.driver.powerState(id)).map(state -> {
      if (state != PowerState.RUNNING) throw new IllegalStateException("the domain did not start again");
      return null;
    });
  }
}
