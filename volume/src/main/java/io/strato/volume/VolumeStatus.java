package io.strato.volume;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A volume's life, as Cinder shows it in {@code status}, and the moves allowed between statuses. The database
 * applies each move as a compare-and-set on the expected status ({@link #sourcesOf}), so two requests racing on one
 * volume (two attachments, a delete during an attach) cannot both win.
 *
 * <pre>
 * creating -> available | error
 * available -> reserved | attaching | extending | deleting
 * reserved -> attaching | detaching            attaching -> in-use | detaching
 * in-use -> detaching                          detaching -> available
 * extending -> available | error_extending     error, error_extending -> deleting
 * deleting -> error_deleting -> deleting
 * </pre>
 */
public enum VolumeStatus {
  CREATING, AVAILABLE, RESERVED, ATTACHING, IN_USE, DETACHING, EXTENDING, DELETING, ERROR, ERROR_EXTENDING,
  ERROR_DELETING;

  private static final Map<VolumeStatus, Set<VolumeStatus>> NEXT = Map.ofEntries(
      Map.entry(CREATING, EnumSet.of(AVAILABLE, ERROR)),
      Map.entry(AVAILABLE, EnumSet.of(RESERVED, ATTACHING, EXTENDING, DELETING)),
      Map.entry(RESERVED, EnumSet.of(ATTACHING, DETACHING)),
      Map.entry(ATTACHING, EnumSet.of(IN_USE, DETACHING)),
      Map.entry(IN_USE, EnumSet.of(DETACHING)),
      Map.entry(DETACHING, EnumSet.of(AVAILABLE)),
      Map.entry(EXTENDING, EnumSet.of(AVAILABLE, ERROR_EXTENDING)),
      Map.entry(DELETING, EnumSet.of(ERROR_DELETING)),
      Map.entry(ERROR, EnumSet.of(DELETING)),
      Map.entry(ERROR_EXTENDING, EnumSet.of(DELETING)),
      Map.entry(ERROR_DELETING, EnumSet.of(DELETING)));

  /** The API spelling: {@code in-use}, {@code error_extending}. */
  public String wire() {
    return this == IN_USE ? "in-use" : name().toLowerCase(Locale.ROOT);
  }

  public static VolumeStatus fromWire(String s) {
    for (VolumeStatus v : values()) {
      if (v.wire().equals(s)) return v;
    }
    throw new IllegalArgumentException("unknown volume status " + s);
  }

  public boolean canBecome(VolumeStatus to) {
    return NEXT.get(this).contains(to);
  }

  /** Every status a volume may be in to move to {@code to}. */
  public static List<VolumeStatus> sourcesOf(VolumeStatus to) {
    return Arrays.stream(values()).filter(s -> s.canBecome(to)).toList();
  }

  /** The wire names of {@link #sourcesOf}, for a {@code status = ANY($n)} guard. */
  public static String[] wireSourcesOf(VolumeStatus to) {
    return sourcesOf(to).stream().map(VolumeStatus::wire).toArray(String[]::new);
  }
}
