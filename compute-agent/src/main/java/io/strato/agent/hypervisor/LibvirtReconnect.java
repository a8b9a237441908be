package io.strato.agent.hypervisor;

import io.strato.common.config.Settings;

/**
 * How the libvirt driver gets its connection back after libvirtd restarts (keys {@code agent.libvirt.reconnect.*} and
 * {@code agent.libvirt.probe.interval.seconds}): a back-off doubling from {@code initialMs} to {@code maxMs}, a call
 * given up after {@code timeoutMs}, and a probe of the connection every {@code probeIntervalMs} (0: none).
 */
public record LibvirtReconnect(long initialMs, long maxMs, long timeoutMs, long probeIntervalMs) {
  public LibvirtReconnect {
    if (initialMs <= 0 || maxMs < initialMs || timeoutMs < 0 || probeIntervalMs < 0) {
      throw new IllegalArgumentException("agent.libvirt.reconnect.*: need 0 < initial <= max, timeout >= 0 and"
          + " probe interval >= 0");
    }
  }

  public static LibvirtReconnect from(Settings s) {
    return new LibvirtReconnect(s.getLong("agent.libvirt.reconnect.initial.ms"),
        s.getLong("agent.libvirt.reconnect.max.ms"), s.getLong("agent.libvirt.reconnect.timeout.seconds") * 1000,
        s.getLong("agent.libvirt.probe.interval.seconds") * 1000);
  }
}
