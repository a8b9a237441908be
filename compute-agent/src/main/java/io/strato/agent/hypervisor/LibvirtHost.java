package io.strato.agent.hypervisor;

import java.io.File;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;

/** Host facts read through libvirt (blocking: call from a worker thread). */
final class LibvirtHost {
  private LibvirtHost() {}

  static HostFacts facts(Connect conn, File diskRoot) throws LibvirtException {
    NodeInfo node = conn.nodeInfo();
    diskRoot.mkdirs(); // getTotalSpace() of a folder that does not exist yet is 0
    long diskGb = Math.max(1, diskRoot.getTotalSpace() / (1024L * 1024 * 1024));
    String type = conn.getType();
    return new HostFacts(node.cpus, node.memory / 1024, diskGb, type.equalsIgnoreCase("test") ? "QEMU" : type,
        conn.getVersion(), "x86_64");
  }
}
