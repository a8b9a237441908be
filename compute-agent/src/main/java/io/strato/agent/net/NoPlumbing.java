package io.strato.agent.net;

import io.strato.agent.hypervisor.GuestSpec;
import io.vertx.core.Future;

/**
 * {@code agent.network.plumbing=none}: nothing on the host (the simulated fleet, machines where the agent is not
 * root); guests join libvirt's {@code default} network whatever their port says.
 */
public final class NoPlumbing implements NetworkPlumber {
  @Override
  public Future<Void> plug(String projectId, PlumbedPort port) {
    return Future.succeededFuture();
  }

  @Override
  public GuestSpec.Nic nic(PlumbedPort port) {
    return new GuestSpec.Nic(port.mac(), "default", port.id());
  }

  @Override
  public Future<Void> wire(PlumbedPort port) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unplug(String projectId, PlumbedPort port) {
    return Future.succeededFuture();
  }
}
