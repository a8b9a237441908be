package io.strato.agent;

import io.strato.common.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/** The compute agent's typed configuration (keys documented in strato-defaults.properties). */
public record AgentConfig(String host, String libvirtUri, String domainType, int fleetSize, String availabilityZone,
    int vcpus, long memoryMb, long diskGb, double cpuRatio, double ramRatio, double diskRatio, long reservedMemoryMb,
    Duration reportInterval, Path stateDir, String bindHost, int port, long maxBodyBytes, Settings settings) {

  public static AgentConfig from(Settings s) {
    String host = s.get("agent.host");
    if (host.isBlank()) host = localHostName();
    return new AgentConfig(host, s.get("agent.libvirt.uri"), domainType(s.get("agent.libvirt.uri"),
        s.get("agent.domain.type")), s.getInt("agent.fleet.size"),
        s.get("agent.availability.zone"), s.getInt("agent.vcpus"), s.getLong("agent.memory.mb"),
        s.getLong("agent.disk.gb"), Double.parseDouble(s.get("agent.cpu.allocation.ratio")),
        Double.parseDouble(s.get("agent.ram.allocation.ratio")),
        Double.parseDouble(s.get("agent.disk.allocation.ratio")), s.getLong("agent.reserved.memory.mb"),
        Duration.ofSeconds(s.getLong("agent.report.interval.seconds")), Path.of(s.get("agent.state.dir"))
            .toAbsolutePath(), s.get("bind.host"), s.getInt("agent.port"), s.getLong("http.max.body.bytes"), s);
  }

  /** Where an instance's root disk and console log live. */
  public Path instanceDir(String instanceId) {
    return stateDir.resolve("instances").resolve(instanceId);
  }

  /** The hosts this process runs: one, or a fleet of simulated ones. */
  public java.util.List<String> hostNames() {
    if (fleetSize <= 0) return java.util.List.of(host);
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 1; i <= fleetSize; i++) names.add(String.format("%s-%04d", host, i));
    return names;
  }

  /** The libvirt domain type, {@code auto} resolved once here (not on every build). */
  public String effectiveDomainType() {
    return domainType;
  }

  private static String domainType(String uri, String configured) {
    if (!configured.equals("auto")) return configured;
    if (uri.startsWith("test:") || uri.startsWith("test+")) return "test";
    return kvmUsable() ? "kvm" : "qemu";
  }

  /**
   * KVM needs both the device and the CPU's virtualisation extensions: some machines (this kind, FACTS.md) have
   * {@code /dev/kvm} but no {@code vmx}/{@code svm}, and a {@code kvm} domain would not boot there.
   */
  static boolean kvmUsable() {
    try {
      String cpu = java.nio.file.Files.readString(Path.of("/proc/cpuinfo"));
      return java.nio.file.Files.isReadable(Path.of("/dev/kvm"))
          && java.util.regex.Pattern.compile("^flags\\s*:.*\\b(vmx|svm)\\b", java.util.regex.Pattern.MULTILINE)
              .matcher(cpu).find();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
