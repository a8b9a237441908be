package io.strato.agent.hypervisor;

import org.libvirt.DomainInfo.DomainState;

/** Nova's power states and how libvirt's domain states map onto them. */
public final class PowerState {
  public static final int NOSTATE = 0;
  public static final int RUNNING = 1;
  public static final int PAUSED = 3;
  public static final int SHUTDOWN = 4;
  public static final int CRASHED = 6;
  public static final int SUSPENDED = 7;

  private PowerState() {}

  public static int of(DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> RUNNING;
      case VIR_DOMAIN_PAUSED -> PAUSED;
      case VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF -> SHUTDOWN;
      case VIR_DOMAIN_CRASHED -> CRASHED;
      default -> NOSTATE;
    };
  }
}
