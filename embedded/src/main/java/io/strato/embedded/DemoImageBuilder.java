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
 * ({@code linux-image-*-cloud-amd64}) and an initramfs of busybox-static, dropbear (an SSH server, with the shared
 * libraries it needs) and the kernel's virtio network modules. Its {@code /init} prints a banner on the serial
 * console, asks for an address by DHCP (busybox {@code udhcpc}, applying the classless static routes of option 121),
 * fetches its SSH key and {@code user_data} from the metadata service at 169.254.169.254, runs {@code user_data}
 * when it starts with {@code #!}, and starts dropbear (host keys made at first boot) so the key's owner logs in as
 * root. Blocking (apt, dpkg-deb, cpio): run it off the event loops. The result is cached in
 * {@code ~/.cache/strato/demo-image/<version>}, so later runs and test runs reuse it. Used by the all-in-one (to
 * register the demo image) and by the real-guest tests.
 */
public final class DemoImageBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(DemoImageBuilder.class);
  /** What the guest prints once userspace runs; the real-guest test waits for it in the console log. */
  public static final String BANNER = "Strato demo guest booted";
  /** What the guest prints once its SSH server runs. */
  public static final String SSH_READY = "strato: ssh server ready";
  /** Bumped whenever what goes into the image changes, so a cached older image is not reused. */
  private static final String VERSION = "v2";
  /** The virtio network driver and what it needs, in load order (the cloud kernel builds them as modules). */
  private static final List<String> MODULES = List.of("virtio", "virtio_ring", "virtio_pci_legacy_dev",
      "virtio_pci_modern_dev", "virtio_pci", "failover", "net_failover", "virtio_net");

  /** The three files of the demo image. */
  public record Files3(Path kernel, Path initrd, Path disk) {}

  private DemoImageBuilder() {}

  public static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("strato").resolve("demo-image").resolve(VERSION);
  }

  public static Files3 build() throws IOException, InterruptedException {
    Path dir = cacheDir();
    Files3 out = new Files3(dir.resolve("vmlinuz"), dir.resolve("initrd.gz"), dir.resolve("disk.raw"));
    if (Files.exists(out.kernel()) && Files.exists(out.initrd()) && Files.exists(out.disk())) return out;
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory("strato-demo-image");
    String kernelPackage = kernelPackage();
    run(work, "apt-get", "download", "-q", kernelPackage, "busybox-static", "dropbear-bin", "libtomcrypt1",
        "libtommath1");
    Path kernelRoot = work.resolve("kernel");
    Path busyboxRoot = work.resolve("busybox");
    Path extra = work.resolve("extra");
    run(work, "dpkg-deb", "-x", only(work, kernelPackage), kernelRoot.toString());
    run(work, "dpkg-deb", "-x", only(work, "busybox-static"), busyboxRoot.toString());
    for (String pkg : List.of("dropbear-bin", "libtomcrypt1", "libtommath1")) {
      run(work, "dpkg-deb", "-x", only(work, pkg), extra.toString());
    }
    Path vmlinuz;
    try (Stream<Path> boot = Files.list(kernelRoot.resolve("boot"))) {
      vmlinuz = boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz")).findFirst()
          .orElseThrow(() -> new IOException("no vmlinuz in " + kernelPackage));
    }
    Path busybox = busyboxRoot.resolve("bin/busybox");
    Path initramfs = work.resolve("initramfs");
    Files.createDirectories(initramfs.resolve("bin"));
    for (String d : List.of("proc", "sys", "dev", "tmp", "etc/dropbear", "root", "var/run", "lib/modules")) {
      Files.createDirectories(initramfs.resolve(d));
    }
    Files.copy(busybox, initramfs.resolve("bin/busybox"));
    copyWithLibraries(extra, extra.resolve("usr/sbin/dropbear"), initramfs, "bin/dropbear");
    for (String module : MODULES) {
      try (Stream<Path> found = Files.walk(kernelRoot.resolve("lib/modules"))) {
        Path ko = found.filter(p -> p.getFileName().toString().equals(module + ".ko")).findFirst()
            .orElseThrow(() -> new IOException("no " + module + ".ko in " + kernelPackage));
        Files.copy(ko, initramfs.resolve("lib/modules/" + module + ".ko"));
      }
    }
    Files.writeString(initramfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(initramfs.resolve("etc/group"), "root:x:0:\n");
    Files.writeString(initramfs.resolve("etc/shells"), "/bin/sh\n");
    executable(initramfs.resolve("etc/udhcpc.sh"), UDHCPC_SCRIPT);
    executable(initramfs.resolve("init"), INIT.replace("@BANNER@", BANNER).replace("@SSH_READY@", SSH_READY)
        .replace("@MODULES@", String.join(" ", MODULES)));
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

  /** udhcpc's script: the address and, when DHCP gives option 121, its routes (else the router as default). */
  private static final String UDHCPC_SCRIPT = """
      #!/bin/sh
      [ "$1" = bound ] || [ "$1" = renew ] || exit 0
      ip addr flush dev "$interface"
      ip addr add "$ip/$mask" dev "$interface"
      if [ -n "$staticroutes" ]; then
        set -- $staticroutes
        while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface"; shift 2; done
      elif [ -n "$router" ]; then
        ip route replace default via "${router%% *}" dev "$interface"
      fi
      """;

  /**
   * The guest's init. Metadata is read with busybox {@code nc} (HTTP/1.0 by hand): busybox 1.35's {@code wget}
   * crashes at start on this kind of machine.
   */
  private static final String INIT = """
      #!/bin/busybox sh
      /bin/busybox --install -s /bin
      mount -t proc proc /proc
      mount -t sysfs sysfs /sys
      mount -t devtmpfs devtmpfs /dev 2>/dev/null
      mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
      hostname strato-guest
      for m in @MODULES@; do insmod /lib/modules/$m.ko 2>/dev/null; done
      echo
      echo "@BANNER@: $(uname -sr) with $(grep -c ^processor /proc/cpuinfo) vCPU, $(grep MemTotal /proc/meminfo)"
      ip link set lo up
      md() {
        printf 'GET %s HTTP/1.0\\r\\nHost: 169.254.169.254\\r\\n\\r\\n' "$1" | nc -w 5 169.254.169.254 80 > /tmp/md.out
        head -n 1 /tmp/md.out | grep -q ' 200 ' && tr -d '\\r' < /tmp/md.out | sed '1,/^$/d'
      }
      if [ -e /sys/class/net/eth0 ]; then
        ip link set eth0 up
        udhcpc -i eth0 -n -q -t 5 -T 2 -O staticroutes -s /etc/udhcpc.sh 2>&1 | grep -i lease
        echo "strato: eth0 $(ip -4 -o addr show dev eth0 | awk '{print $4}')"
        mkdir -p /root/.ssh && chmod 700 /root/.ssh
        for i in 1 2 3; do md /2009-04-04/meta-data/public-keys/0/openssh-key > /tmp/key && break; sleep 1; done
        [ -s /tmp/key ] && { cat /tmp/key; echo; } > /root/.ssh/authorized_keys
        [ -s /root/.ssh/authorized_keys ] && echo "strato: public key installed"
        if md /openstack/latest/user_data > /tmp/user_data && [ "$(head -c 2 /tmp/user_data)" = "#!" ]; then
          chmod +x /tmp/user_data && /tmp/user_data > /tmp/user_data.log 2>&1
          echo "strato: user_data ran (exit $?)"
        fi
      fi
      dropbear -R -p 22 && echo "@SSH_READY@"
      while true; do sleep 3600; done
      """;

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Copies {@code binary} to {@code target} in {@code root}, with every shared library {@code ldd} finds for it
   * (those of the extracted packages under {@code extra} first) at the path the loader looks in.
   */
  private static void copyWithLibraries(Path extra, Path binary, Path root, String target)
      throws IOException, InterruptedException {
    Files.copy(binary, root.resolve(target));
    String libs = extra.resolve("usr/lib/x86_64-linux-gnu").toString();
    ProcessBuilder pb = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true);
    pb.environment().put("LD_LIBRARY_PATH", libs);
    Process ldd = pb.start();
    String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ldd.waitFor(60, TimeUnit.SECONDS) || ldd.exitValue() != 0) throw new IOException("ldd failed: " + out);
    for (String line : out.lines().map(String::trim).toList()) {
      String path = line.contains("=> ") ? line.substring(line.indexOf("=> ") + 3) : line;
      if (!path.startsWith("/")) continue; // linux-vdso
      path = path.substring(0, path.indexOf(' ') < 0 ? path.length() : path.indexOf(' '));
      if (path.contains("not found")) throw new IOException(binary + " needs a library not found: " + line);
      String inside = path.startsWith(extra.toString()) ? path.substring(extra.toString().length()) : path;
      Path dest = root.resolve(inside.substring(1));
      Files.createDirectories(dest.getParent());
      if (!Files.exists(dest)) Files.copy(Path.of(path), dest);
    }
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
