package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The overlays the agent writes are images qemu-img itself accepts, with the right backing file and size. */
class Qcow2OverlayTest {

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  @ParameterizedTest(name = "base {0}, {1} GiB")
  @CsvSource({"raw, 1", "raw, 0", "qcow2, 20", "qcow2, 0", "raw, 160"})
  void overlayIsAValidQcow2(String baseFormat, int sizeGb) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-img is not installed");
    Path dir = Files.createTempDirectory("qcow2");
    Path base = dir.resolve("base." + baseFormat);
    run("qemu-img", "create", "-q", "-f", baseFormat, base.toString(), "3M");
    Path overlay = dir.resolve("inst").resolve("disk");
    Qcow2Overlay.create(overlay, base, baseFormat, sizeGb * 1024L * 1024L * 1024L);

    run("qemu-img", "check", overlay.toString());
    JsonObject info = new JsonObject(run("qemu-img", "info", "--output=json", overlay.toString()));
    assertThat(info.getString("format")).isEqualTo("qcow2");
    assertThat(info.getString("backing-filename")).isEqualTo(base.toAbsolutePath().toString());
    assertThat(info.getString("backing-filename-format")).isEqualTo(baseFormat);
    long expected = sizeGb > 0 ? sizeGb * 1024L * 1024L * 1024L : 3L * 1024 * 1024;
    assertThat(info.getLong("virtual-size")).isEqualTo(expected);
    // A write through QEMU's own I/O path allocates clusters and keeps the image consistent.
    run("qemu-io", "-c", "write -P 0x5a 0 128k", overlay.toString());
    run("qemu-img", "check", overlay.toString());
    assertThat(List.of(Files.size(overlay))).allMatch(s -> s > 3 * 65536);
  }
}
