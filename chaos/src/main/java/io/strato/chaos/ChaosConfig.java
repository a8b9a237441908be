package io.strato.chaos;

/**
 * How the suite runs, from {@code -Dchaos.*} system properties (README, "Failure behaviour"): the defaults are the
 * issue's figures scaled to fit one 2-core machine.
 */
record ChaosConfig(String libvirtUri, int hostsPerAgent, int buildTimeoutSeconds, long maxPollIntervalMs,
    int brokerOutageSeconds, int postgresOutageSeconds, int stormSize, int settleSeconds, long seed) {
  /** Each simulated host: 8 vCPUs and 4 GiB for guests at ratio 1.0, so exactly 8 m1.tiny fit. */
  static final int HOST_VCPUS = 8;
  static final int HOST_RESERVED_MB = 512;
  static final int HOST_MEMORY_MB = 8 * 512 + HOST_RESERVED_MB;
  static final int HOST_DISK_GB = 40;
  /** {@code chaos.libvirt.uri} value (the default) for a libvirtd the harness runs itself ({@code EmbeddedLibvirtd}). */
  static final String OWN_LIBVIRTD = "own";

  static ChaosConfig fromSystemProperties() {
    return new ChaosConfig(
        System.getProperty("chaos.libvirt.uri", OWN_LIBVIRTD),
        Integer.getInteger("chaos.hosts.per.agent", 2),
        Integer.getInteger("chaos.build.timeout.seconds", 60),
        Long.getLong("chaos.max.poll.interval.ms", 30_000L),
        Integer.getInteger("chaos.broker.outage.seconds", 90),
        Integer.getInteger("chaos.postgres.outage.seconds", 60),
        Integer.getInteger("chaos.storm.size", 8),
        Integer.getInteger("chaos.settle.seconds", 150),
        Long.getLong("chaos.seed", System.nanoTime()));
  }
}
