package io.strato.common.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inspection policy on real image files made with {@code qemu-img} in a temporary folder. */
class DiskInspectionTest {
  private static final long MIB = 1 << 20;
  private static final InspectionLimits LIMITS = new InspectionLimits(1L << 30, 30, 1);
  private static Path dir;
  private static Path secret;

  @BeforeAll
  static void images() throws Exception {
    dir = Files.createTempDirectory("strato-disk-inspection");
    secret = Files.writeString(dir.resolve("host-secret"), "not for tenants\n");
    Files.write(dir.resolve("zeros.raw"), new byte[4096]);
    byte[] noise = new byte[70_000];
    new Random(3).nextBytes(noise);
    Files.write(dir.resolve("noise.raw"), noise);
    byte[] iso = new byte[64 * 1024];
    System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, iso, 32769, 5);
    Files.write(dir.resolve("disc.iso"), iso);
    qemuImg("create", "-q", "-f", "qcow2", file("plain.qcow2"), "1M");
    qemuImg("create", "-q", "-f", "qcow2", "-b", secret.toString(), "-F", "raw", file("backed.qcow2"), "1M");
    Files.write(dir.resolve("data.raw"), new byte[4096]);
    qemuImg("create", "-q", "-f", "qcow2", "-o", "data_file=" + file("data.raw"), file("datafile.qcow2"), "1M");
    qemuImg("create", "-q", "-f", "vmdk", file("sparse.vmdk"), "1M");
    qemuImg("create", "-q", "-f", "vmdk", "-o", "subformat=monolithicFlat", file("flat.vmdk"), "1M");
    qemuImg("create", "-q", "-f", "vpc", file("disk.vhd"), "1M");
    Files.writeString(dir.resolve("descriptor.vmdk"), "# Disk DescriptorFile\nversion=1\nCID=fffffffe\n"
        + "parentCID=ffffffff\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"" + secret + "\" 0\n");
  }

  private static String file(String name) {
    return dir.resolve(name).toString();
  }

  private static void qemuImg(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("qemu-img"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command)).isTrue();
  }

  private static DiskInfo inspect(String name, String declared) throws IOException {
    return DiskInspection.inspect(dir.resolve(name), declared, LIMITS);
  }

  @ParameterizedTest(name = "{0} declared {1} is accepted as {2} of {3} bytes")
  @CsvSource({"zeros.raw, raw, raw, 4096", "noise.raw, aki, raw, 70000", "noise.raw, ari, raw, 70000",
      "zeros.raw, ami, raw, 4096", "plain.qcow2, qcow2, qcow2, 1048576", "sparse.vmdk, vmdk, vmdk, 1048576",
      "disc.iso, iso, raw, 65536", "disk.vhd, vhd, vpc, 1048576"})
  void accepted(String name, String declared, String format, long virtualSize) throws Exception {
    DiskInfo info = inspect(name, declared);
    assertThat(info.format()).isEqualTo(format);
    assertThat(info.virtualSize()).isBetween(virtualSize, virtualSize + MIB / 16);
    assertThat(info.backingFile()).isNull();
  }

  @ParameterizedTest(name = "{0} declared {1} is refused: {2}")
  @CsvSource(delimiter = '|', value = {
      "plain.qcow2 | raw | Image disk_format raw does not match stream data qcow2.",
      "zeros.raw | qcow2 | Image disk_format qcow2 does not match stream data raw.",
      "disk.vhd | vmdk | Image disk_format vmdk does not match stream data vhd.",
      "zeros.raw | iso | Image disk_format iso does not match stream data raw.",
      "plain.qcow2 | aki | Image disk_format aki does not match stream data qcow2.",
      "backed.qcow2 | qcow2 | Image failed safety checks: a qcow2 image with a backing file is refused.",
      "backed.qcow2 | raw | Image failed safety checks: a qcow2 image with a backing file is refused.",
      "datafile.qcow2 | qcow2 | Image failed safety checks: a qcow2 image with an external data file is refused.",
      "descriptor.vmdk | vmdk | Image failed safety checks: a VMDK descriptor file (naming its extents) is refused.",
      "descriptor.vmdk | raw | Image failed safety checks: a VMDK descriptor file (naming its extents) is refused.",
      "flat.vmdk | vmdk | Image failed safety checks: a VMDK descriptor file (naming its extents) is refused.",
      "zeros.raw | floppy | Image not in a supported format: floppy"})
  void refused(String name, String declared, String message) {
    assertThatThrownBy(() -> inspect(name, declared)).isInstanceOf(DiskRefusedException.class)
        .hasMessage(message).message().doesNotContain(dir.toString());
  }

  @Test
  @DisplayName("an image without a declared disk_format is refused")
  void undeclared() {
    assertThatThrownBy(() -> inspect("zeros.raw", null)).isInstanceOf(DiskRefusedException.class)
        .hasMessage("Image has no disk_format.");
  }

  @Test
  @DisplayName("qemu-img runs under the address-space limit: too little memory refuses the image")
  void memoryLimit() {
    InspectionLimits tiny = new InspectionLimits(24L * MIB, 30, 1);
    assertThatThrownBy(() -> DiskInspection.inspect(dir.resolve("plain.qcow2"), "qcow2", tiny))
        .isInstanceOf(DiskRefusedException.class).hasMessageContaining("exceeded its memory or CPU-time limit");
  }

  @Test
  @DisplayName("data that is no disk image at all (a truncated qcow2 header) is refused, not an error")
  void garbage() throws Exception {
    Path truncated = dir.resolve("truncated.qcow2");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("plain.qcow2")), 40));
    assertThatThrownBy(() -> DiskInspection.inspect(truncated, "qcow2", LIMITS))
        .isInstanceOf(DiskRefusedException.class);
  }

  @Test
  @DisplayName("the async inspector answers on the caller's context after running on its worker pool")
  void asyncInspector() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      DiskInspector inspector = new DiskInspector(vertx, LIMITS);
      DiskInfo info = inspector.inspect(dir.resolve("plain.qcow2"), "qcow2").toCompletionStage()
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(info.format()).isEqualTo("qcow2");
      Throwable refused = inspector.inspect(dir.resolve("backed.qcow2"), "qcow2").toCompletionStage()
          .toCompletableFuture().handle((ok, e) -> e instanceof CompletionException c ? c.getCause() : e)
          .get(60, TimeUnit.SECONDS);
      assertThat(refused).isInstanceOf(DiskRefusedException.class);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
