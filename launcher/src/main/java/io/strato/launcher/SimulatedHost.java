package io.strato.launcher;

import io.strato.common.config.Settings;
import java.util.HashMap;
import java.util.Map;

/**
 * The size of the hosts the all-in-one simulates ({@code aio.host.*}). libvirt's test driver reports a 3 GB host,
 * too small to try a cloud on; a real hypervisor reports its own size, so only the test driver is sized here, and
 * only where {@code agent.vcpus}, {@code agent.memory.mb} or {@code agent.disk.gb} are left at 0.
 */
final class SimulatedHost {
  private SimulatedHost() {}

  /** The agent.* capacity settings the all-in-one adds to {@code base}; none for a real hypervisor. */
  static Map<String, String> sizing(Settings base) {
    Map<String, String> sizes = new HashMap<>();
    if (!base.get("agent.libvirt.uri").startsWith("test")) return sizes;
    size(base, sizes, "agent.vcpus", "aio.host.vcpus");
    size(base, sizes, "agent.memory.mb", "aio.host.memory.mb");
    size(base, sizes, "agent.disk.gb", "aio.host.disk.gb");
    return sizes;
  }

  private static void size(Settings base, Map<String, String> sizes, String agentKey, String hostKey) {
    if (base.getLong(agentKey) == 0) sizes.put(agentKey, String.valueOf(base.getLong(hostKey)));
  }
}
