package io.strato.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A libvirtd of our own whose test driver serves {@link #uri()}: run as the unprivileged user {@code nobody}, in
 * libvirt's session mode, with its socket and state in a folder of ours. A harness can stop and start it again (a
 * libvirtd restart under running agents) without touching the machine's libvirtd or anyone else's domains, and it
 * is stopped by its own process id. Its test driver forgets every domain when it stops, as a host that reboots does.
 *
 * <p>Needs root (to start it as {@code nobody} and to reach its socket, which only {@code nobody} may open otherwise)
 * and libvirtd installed ({@code libvirt-daemon-system}): see {@link #available()}.
 */
public final class EmbeddedLibvirtd implements AutoCloseable {
  private static final Path LIBVIRTD = Path.of("/usr/sbin/libvirtd");
  private static final String NOBODY = "65534";
  private final Path dir;
  private Process process;

  private EmbeddedLibvirtd(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /** Whether this machine can run one: root, with libvirtd and {@code setpriv} installed. */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name")) && Files.isExecutable(LIBVIRTD)
        && Files.isExecutable(Path.of("/usr/bin/setpriv"));
  }

  /** Starts one with its files under {@code dir}; returns once its socket accepts connections. */
  public static EmbeddedLibvirtd start(Path dir) {
    EmbeddedLibvirtd d = new EmbeddedLibvirtd(dir);
    d.start();
    return d;
  }

  /** The URI of its test driver, for libvirt-java and {@code agent.libvirt.uri}. */
  public String uri() {
    return "test+unix:///default?socket=" + socket();
  }

  /** The daemon's process id (0 while stopped). */
  public synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : 0;
  }

  /** Starts the daemon (again); returns once its socket exists. */
  public synchronized void start() {
    if (process != null && process.isAlive()) return;
    try {
      Path home = dir.resolve("home");
      Path run = dir.resolve("run");
      Files.createDirectories(home);
      Files.createDirectories(run);
      Files.deleteIfExists(socket()); // a stale socket from a daemon that was killed
      for (Path p : new Path[] {dir, home, run}) {
        new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, p.toString()).start().waitFor(10, TimeUnit.SECONDS);
      }
      ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
          LIBVIRTD.toString(), "--timeout", "0")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("libvirtd.log").toFile()));
      pb.environment().clear();
      pb.environment().put("HOME", home.toString());
      pb.environment().put("XDG_RUNTIME_DIR", run.toString());
      pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      process = pb.start();
      long deadline = System.currentTimeMillis() + 30_000;
      while (!Files.exists(socket())) {
        if (!process.isAlive()) throw new IllegalStateException("libvirtd exited at start; see " + dir.resolve("libvirtd.log"));
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("libvirtd never opened " + socket());
        Thread.sleep(50); // waiting for another process's socket: no event to wait on
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting libvirtd", e);
    }
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after 30 s); its test driver's domains are gone. */
  public synchronized void stop() {
    if (process == null) return;
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops and starts it again, as {@code systemctl restart libvirtd} would. */
  public void restart() {
    stop();
    start();
  }

  private Path socket() {
    return dir.resolve("run/libvirt/libvirt-sock");
  }

  @Override
  public void close() {
    stop();
  }
}
