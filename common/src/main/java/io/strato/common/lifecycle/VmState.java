package io.strato.common.lifecycle;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Nova's {@code vm_state}: where an instance is in its life, as stored in {@code nova.instances.vm_state}, sent in
 * instance updates and shown as {@code OS-EXT-STS:vm_state}. {@link #wire()} is the OpenStack name.
 */
public enum VmState {
  BUILDING("building"),
  ACTIVE("active"),
  STOPPED("stopped"),
  PAUSED("paused"),
  SUSPENDED("suspended"),
  RESCUED("rescued"),
  RESIZED("resized"),
  SHELVED("shelved"),
  SHELVED_OFFLOADED("shelved_offloaded"),
  SOFT_DELETED("soft-delete"),
  ERROR("error"),
  DELETED("deleted");

  private static final Map<String, VmState> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(s -> s.wire, Function.identity()));
  private final String wire;

  VmState(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The state named {@code wire}; null for null; {@link IllegalArgumentException} for a name Nova does not have. */
  public static VmState of(String wire) {
    if (wire == null) return null;
    VmState s = BY_WIRE.get(wire);
    if (s == null) throw new IllegalArgumentException("unknown vm_state " + wire);
    return s;
  }

  /** The wire name of {@code s}, or null. */
  public static String wireOf(VmState s) {
    return s == null ? null : s.wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
