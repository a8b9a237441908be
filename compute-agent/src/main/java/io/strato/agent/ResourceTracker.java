package io.strato.agent;

import io.strato.agent.hypervisor.HostFacts;
import io.strato.common.messages.HostStateReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's own account of its capacity: the final authority on what fits (DESIGN.md). An assignment is re-checked
 * here on arrival; what does not fit is refused and rescheduled, so no host is overcommitted beyond its allocation
 * ratios even if schedulers raced. Used from the agent host's context only (no locking).
 */
public final class ResourceTracker {
  /** What one instance takes. */
  public record Usage(int vcpus, long memoryMb, long diskGb) {}

  private final HostStateReport.Resource vcpus;
  private final HostStateReport.Resource memory;
  private final HostStateReport.Resource disk;
  private final Map<String, Usage> instances = new LinkedHashMap<>();
  private int building;
  private int recentFailures;

  public ResourceTracker(AgentConfig config, HostFacts facts) {
    this.vcpus = new HostStateReport.Resource(config.vcpus() > 0 ? config.vcpus() : facts.vcpus(), 0,
        config.cpuRatio(), 0);
    this.memory = new HostStateReport.Resource(config.memoryMb() > 0 ? config.memoryMb() : facts.memoryMb(),
        config.reservedMemoryMb(), config.ramRatio(), 0);
    this.disk = new HostStateReport.Resource(config.diskGb() > 0 ? config.diskGb() : facts.diskGb(), 0,
        config.diskRatio(), 0);
  }

  public boolean knows(String instanceId) {
    return instances.containsKey(instanceId);
  }

  /** Takes the resources if they fit; answers false (and takes nothing) otherwise. Idempotent per instance. */
  public boolean tryClaim(String instanceId, Usage u) {
    if (instances.containsKey(instanceId)) return true;
    if (!fits(vcpus, used(Usage::vcpus), u.vcpus()) || !fits(memory, used(Usage::memoryMb), u.memoryMb())
        || !fits(disk, used(Usage::diskGb), u.diskGb())) {
      return false;
    }
    instances.put(instanceId, u);
    return true;
  }

  /** Records an instance found running at start-up, whatever the capacity says. */
  public void adopt(String instanceId, Usage u) {
    instances.put(instanceId, u);
  }

  public void release(String instanceId) {
    instances.remove(instanceId);
  }

  public void buildStarted() {
    building++;
  }

  public void buildEnded(boolean success) {
    building = Math.max(0, building - 1);
    recentFailures = success ? 0 : recentFailures + 1;
  }

  private static boolean fits(HostStateReport.Resource r, long used, long amount) {
    return amount <= r.total() && used + amount <= (r.total() - r.reserved()) * r.allocationRatio();
  }

  private long used(java.util.function.ToLongFunction<Usage> f) {
    return instances.values().stream().mapToLong(f).sum();
  }

  HostStateReport.Resource vcpus() {
    return new HostStateReport.Resource(vcpus.total(), vcpus.reserved(), vcpus.allocationRatio(),
        used(Usage::vcpus));
  }

  HostStateReport.Resource memory() {
    return new HostStateReport.Resource(memory.total(), memory.reserved(), memory.allocationRatio(),
        used(Usage::memoryMb));
  }

  HostStateReport.Resource disk() {
    return new HostStateReport.Resource(disk.total(), disk.reserved(), disk.allocationRatio(), used(Usage::diskGb));
  }

  int building() {
    return building;
  }

  int recentFailures() {
    return recentFailures;
  }

  List<String> instanceIds() {
    return List.copyOf(instances.keySet());
  }
}
