package io.strato.agent.net;

import io.strato.agent.hypervisor.GuestSpec;
import io.vertx.core.Future;

/**
 * Makes a port's network carry packets on this host, as Neutron's Linux-bridge and DHCP agents do: the order is
 * {@link #plug} before the domain is defined, {@link #wire} once it runs, {@link #unplug} after it is gone. Every
 * operation is idempotent (ensure-exists; removing what is gone succeeds), so a retried build, a redelivered order
 * or an agent restarted after a crash runs them again safely.
 */
public interface NetworkPlumber {
  /** {@code agent.network.plumbing}: {@code linuxbridge} or {@code none}. */
  String SETTING = "agent.network.plumbing";

  /**
   * Before the domain: the port's network has its bridge here, its DHCP server hands the port its fixed IP, and its
   * metadata proxy answers that address for the port's instance.
   */
  Future<Void> plug(String projectId, PlumbedPort port);

  /** The domain's NIC for the port. */
  GuestSpec.Nic nic(PlumbedPort port);

  /** Once the domain runs: the port's tap is up on its network's bridge (made here if the hypervisor made none). */
  Future<Void> wire(PlumbedPort port);

  /**
   * After the domain is gone: the port's tap and DHCP entry are removed; with the network's last port on this host
   * its DHCP server, namespace, DHCP port and bridge go too.
   */
  Future<Void> unplug(String projectId, PlumbedPort port);
}
