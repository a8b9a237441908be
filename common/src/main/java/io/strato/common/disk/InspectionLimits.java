package io.strato.common.disk;

import io.strato.common.config.Settings;

/**
 * Resource limits of one {@code qemu-img info} run, as oslo's {@code QEMU_IMG_LIMITS} (address space, CPU time),
 * plus a wall-clock limit of twice the CPU time for a process that sleeps or blocks instead of computing.
 */
public record InspectionLimits(long addressSpaceBytes, int cpuSeconds, int workers) {
  public InspectionLimits {
    if (addressSpaceBytes <= 0 || cpuSeconds <= 0 || workers <= 0) {
      throw new IllegalArgumentException("disk inspection limits must be positive");
    }
  }

  public static InspectionLimits from(Settings s) {
    return new InspectionLimits(s.getLong("disk.inspect.address.space.bytes"), s.getInt("disk.inspect.cpu.seconds"),
        s.getInt("disk.inspect.workers"));
  }

  long wallClockSeconds() {
    return 2L * cpuSeconds;
  }
}
