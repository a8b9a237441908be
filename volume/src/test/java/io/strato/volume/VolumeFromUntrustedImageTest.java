package io.strato.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestDisks;
import io.strato.testkit.TestIdentity;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The volume service does not trust the image service with what an image's bits are: an image whose stored data is
 * not its {@code disk_format} (stored before uploads were inspected, or by another image service) never becomes a
 * volume. The image is uploaded as harmless raw zeros, then its stored data is replaced by the hostile file of the
 * same size, as an older image service would have kept it.
 */
@ExtendWith(SharedInfrastructure.class)
class VolumeFromUntrustedImageTest {
  private static final int SIZE = 512 * 1024;
  private static VolumeCloud cloud;

  @BeforeAll
  static void start() {
    cloud = VolumeCloud.get();
  }

  static Stream<Arguments> hostileImages() {
    return Stream.of(
        Arguments.of("a qcow2 whose backing file is /etc/passwd", TestDisks.qcow2BackedBy("/etc/passwd")),
        Arguments.of("a qcow2 stored as raw", TestDisks.qcow2(65_536, 9)),
        Arguments.of("a qcow2 with an external data file", TestDisks.qcow2WithDataFile()));
  }

  @ParameterizedTest(name = "{0}: the volume ends in error and no file is left")
  @MethodSource("hostileImages")
  void hostileImageNeverBecomesAVolume(String what, byte[] hostile) throws Exception {
    assertThat(hostile.length).isLessThanOrEqualTo(SIZE);
    var m = cloud.identity.newProject("untrusted");
    String imageId = cloud.image(m, new byte[SIZE], "raw");
    Files.write(cloud.imageDir.resolve(imageId), Arrays.copyOf(hostile, SIZE));

    String id = cloud.create(m, new JsonObject().put("size", 1).put("imageRef", imageId));
    JsonObject volume = awaitEnd(m, id);
    assertThat(volume.getString("status")).isEqualTo("error");
    assertThat(cloud.fileOf(id)).doesNotExist();
    assertThat(volume.getString("bootable")).isEqualTo("false");
  }

  /** Polls until the volume leaves {@code creating}, failing after a deadline. */
  private static JsonObject awaitEnd(TestIdentity.Member m, String id) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonObject volume = cloud.show(m, id);
      if (!volume.getString("status").equals("creating")) return volume;
      assertThat(System.currentTimeMillis()).as("volume %s still creating", id).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
