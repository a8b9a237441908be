package io.strato.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the demo guest from Debian packages, never from a committed binary: the cloud kernel
 * ({@code linux-image-*-cloud-amd64}) and a busybox-static initramfs whose {@code /init} prints a banner on the
 * serial console. Blocking (apt, dpkg-deb, cpio): run it off the event loops. The result is cached in
 * {@code ~/.cache/strato/demo-image}, so later runs and test runs reuse it. Used by the all-in-one (to register
 * the demo image) and by the real-guest test.
 */
public final class DemoImageBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(DemoImageBuilder.class);
  /** What the guest prints once userspace runs; the real-guest test waits for it in the console log. */
  public static final String BANNER = "Strato demo guest booted";

  /** The three files of the demo image. */
  public record Files3(Path kernel, Path initrd, Path disk) {}

  private DemoImageBuilder() {}

  public static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("strato").resolve("demo-image");
  }

  public static Files3 build() throws IOException, InterruptedException {
    Path dir = cacheDir();
    Files3 out = new Files3(dir.resolve("vmlinuz"), dir.resolve("initrd.gz"), dir.resolve("disk.raw"));
    if (Files.exists(out.kernel()) && Files.exists(out.initrd()) && Files.exists(out.disk())) return out;
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory("strato-demo-image");
    String kernelPackage = kernelPackage();
    run(work, "apt-get", "download", "-q", kernelPackage, "busybox-static");
    Path kernelRoot = work.resolve("kernel");
    Path busyboxRoot = work.resolve("busybox");
    run(work, "dpkg-deb", "-x", only(work, kernelPackage), kernelRoot.toString());
    run(work, "dpkg-deb", "-x", only(work, "busybox-static"), busyboxRoot.toString());
    Path vmlinuz;
    try (Stream<Path> boot = Files.list(kernelRoot.resolve("boot"))) {
      vmlinuz = boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz")).findFirst()
          .orElseThrow(() -> new IOException("no vmlinuz in " + kernelPackage));
    }
    Path busybox = busyboxRoot.resolve("bin/busybox");
    Path initramfs = work.resolve("initramfs");
    Files.createDirectories(initramfs.resolve("bin"));
    for (String d : List.of("proc", "sys", "dev", "tmp", "etc")) Files.createDirectories(initramfs.resolve(d));
    Files.copy(busybox, initramfs.resolve("bin/busybox"));
    Files.writeString(initramfs.resolve("init"), """
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev 2>/dev/null
        hostname strato-guest
        echo
        echo "%s: $(uname -sr) with $(grep -c ^processor /proc/cpuinfo) vCPU, $(grep MemTotal /proc/meminfo)"
        while true; do sleep 3600; done
        """.formatted(BANNER), StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(initramfs.resolve("init"), PosixFilePermissions.fromString("rwxr-xr-x"));
    // No cpio binary on the machine: busybox has one (FACTS.md).
    run(initramfs, "sh", "-c", "find . | " + busybox + " cpio -o -H newc 2>/dev/null | gzip -9 > "
        + work.resolve("initrd.gz"));
    Files.copy(vmlinuz, out.kernel(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(work.resolve("initrd.gz"), out.initrd(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (var f = new java.io.RandomAccessFile(out.disk().toFile(), "rw")) {
      f.setLength(1024 * 1024); // an empty root disk: the guest runs from its initramfs
    }
    run(work, "rm", "-rf", work.toString());
    LOG.info("built the demo image from {} and busybox-static in {}", kernelPackage, dir);
    return out;
  }

  /** The cloud kernel's package; a fresh machine may have no package lists yet, so fetch them once if needed. */
  private static String kernelPackage() throws IOException, InterruptedException {
    try {
      return dependency("linux-image-cloud-amd64");
    } catch (IOException e) {
      run(Path.of("."), "apt-get", "update", "-q");
      return dependency("linux-image-cloud-amd64");
    }
  }

  /** The concrete package a metapackage depends on ({@code linux-image-cloud-amd64 -> linux-image-6.1...}). */
  private static String dependency(String metapackage) throws IOException, InterruptedException {
    String out = run(Path.of("."), "apt-cache", "depends", metapackage);
    return out.lines().map(String::trim).filter(l -> l.startsWith("Depends: ")).map(l -> l.substring(9).trim())
        .findFirst().orElseThrow(() -> new IOException("apt-cache knows no dependency of " + metapackage));
  }

  private static String only(Path dir, String packageName) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(packageName + "_")).findFirst()
          .orElseThrow(() -> new IOException("apt-get download did not fetch " + packageName)).toString();
    }
  }

  private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }
}
