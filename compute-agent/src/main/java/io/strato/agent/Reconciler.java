package io.strato.agent;

import io.strato.agent.clients.ComputeClient;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, makes libvirt agree with the compute API for one host: a domain whose instance is gone (deleted
 * while the agent was down) is destroyed; a domain whose instance lives here is adopted into the resource account.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private Reconciler() {}

  static Future<Void> reconcile(AgentHost host, ComputeClient compute) {
    return host.driver.domainsOf(host.name).compose(uuids -> {
      Future<Void> chain = Future.succeededFuture();
      for (String uuid : uuids) chain = chain.compose(v -> one(host, compute, uuid));
      return chain;
    }).recover(e -> {
      LOG.warn("{}: could not reconcile with the compute API ({}); continuing", host.name, e.toString());
      return Future.succeededFuture();
    });
  }

  private static Future<Void> one(AgentHost host, ComputeClient compute, String uuid) {
    return compute.server(uuid).compose(server -> {
      if (server == null || !host.name.equals(server.getString("OS-EXT-SRV-ATTR:host"))) {
        LOG.info("{}: destroying domain {}: its instance is not on this host any more", host.name, uuid);
        return host.driver.destroy(uuid);
      }
      return compute.flavor(server.getJsonObject("flavor").getString("id")).map(f -> {
        if (f != null) {
          host.tracker.adopt(uuid, new ResourceTracker.Usage(f.getInteger("vcpus"), f.getInteger("ram"),
              f.getInteger("disk")));
        }
        return null;
      });
    });
  }
}
