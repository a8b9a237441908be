package io.strato.volume;

import static io.strato.volume.VolumeStatus.ATTACHING;
import static io.strato.volume.VolumeStatus.AVAILABLE;
import static io.strato.volume.VolumeStatus.CREATING;
import static io.strato.volume.VolumeStatus.DELETING;
import static io.strato.volume.VolumeStatus.DETACHING;
import static io.strato.volume.VolumeStatus.ERROR;
import static io.strato.volume.VolumeStatus.ERROR_DELETING;
import static io.strato.volume.VolumeStatus.ERROR_EXTENDING;
import static io.strato.volume.VolumeStatus.EXTENDING;
import static io.strato.volume.VolumeStatus.IN_USE;
import static io.strato.volume.VolumeStatus.RESERVED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class VolumeStatusTest {

  static Stream<Arguments> moves() {
    return Stream.of(
        Arguments.of(CREATING, AVAILABLE, true),
        Arguments.of(CREATING, ERROR, true),
        Arguments.of(CREATING, DELETING, false),
        Arguments.of(AVAILABLE, RESERVED, true),
        Arguments.of(AVAILABLE, ATTACHING, true),
        Arguments.of(AVAILABLE, IN_USE, false),
        Arguments.of(AVAILABLE, EXTENDING, true),
        Arguments.of(AVAILABLE, DELETING, true),
        Arguments.of(RESERVED, ATTACHING, true),
        Arguments.of(RESERVED, RESERVED, false),
        Arguments.of(RESERVED, IN_USE, false),
        Arguments.of(RESERVED, DETACHING, true),
        Arguments.of(ATTACHING, IN_USE, true),
        Arguments.of(ATTACHING, DETACHING, true),
        Arguments.of(IN_USE, DETACHING, true),
        Arguments.of(IN_USE, DELETING, false),
        Arguments.of(IN_USE, EXTENDING, false),
        Arguments.of(IN_USE, RESERVED, false),
        Arguments.of(DETACHING, AVAILABLE, true),
        Arguments.of(DETACHING, DELETING, false),
        Arguments.of(EXTENDING, AVAILABLE, true),
        Arguments.of(EXTENDING, ERROR_EXTENDING, true),
        Arguments.of(EXTENDING, DELETING, false),
        Arguments.of(ERROR, DELETING, true),
        Arguments.of(ERROR, AVAILABLE, false),
        Arguments.of(ERROR_EXTENDING, DELETING, true),
        Arguments.of(DELETING, AVAILABLE, false),
        Arguments.of(DELETING, ERROR_DELETING, true),
        Arguments.of(ERROR_DELETING, DELETING, true));
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("moves")
  @DisplayName("each move is allowed or refused as Cinder's volume life allows")
  void allowedMoves(VolumeStatus from, VolumeStatus to, boolean allowed) {
    assertThat(from.canBecome(to)).isEqualTo(allowed);
    assertThat(VolumeStatus.sourcesOf(to).contains(from)).isEqualTo(allowed);
  }

  @Test
  @DisplayName("an in-use, attaching, reserved or detaching volume cannot be deleted (the 400 of DELETE)")
  void onlyIdleVolumesCanBeDeleted() {
    assertThat(VolumeStatus.sourcesOf(DELETING)).containsExactlyInAnyOrder(AVAILABLE, ERROR, ERROR_EXTENDING,
        ERROR_DELETING);
  }

  @Test
  @DisplayName("only an available volume can be reserved for an attachment")
  void onlyAvailableVolumesCanBeReserved() {
    assertThat(VolumeStatus.sourcesOf(RESERVED)).containsExactly(AVAILABLE);
    assertThat(VolumeStatus.sourcesOf(ATTACHING)).containsExactlyInAnyOrder(AVAILABLE, RESERVED);
  }

  @ParameterizedTest
  @EnumSource(VolumeStatus.class)
  @DisplayName("every status has an API spelling that reads back, and is reachable or the start")
  void wireNames(VolumeStatus s) {
    assertThat(VolumeStatus.fromWire(s.wire())).isEqualTo(s);
    assertThat(s == CREATING || !VolumeStatus.sourcesOf(s).isEmpty()).isTrue();
  }

  @Test
  @DisplayName("in-use is spelled with a dash, error_extending with an underscore")
  void spelling() {
    assertThat(IN_USE.wire()).isEqualTo("in-use");
    assertThat(ERROR_EXTENDING.wire()).isEqualTo("error_extending");
  }
}
