package io.strato.agent.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemons the plumbing starts (dnsmasq, haproxy) are found again through their pid files, as a restarted agent
 * must: a pid counts only while {@code /proc/<pid>/cmdline} still names that daemon and its network (a recycled pid
 * is someone else's).
 */
final class PidFile {
  private static final long STOP_GRACE_MS = 5000;

  private PidFile() {}

  /** The pid in {@code file} if that process runs and its command line contains every one of {@code marks}. */
  static Future<Long> owner(Vertx vertx, Path file, String... marks) {
    return vertx.fileSystem().exists(file.toString()).compose(there -> !there ? Future.succeededFuture(null)
        : vertx.fileSystem().readFile(file.toString()).compose(b -> {
          String text = b.toString().strip();
          if (!text.matches("\\d{1,10}")) return Future.succeededFuture(null);
          String cmdline = "/proc/" + text + "/cmdline";
          return vertx.fileSystem().exists(cmdline).compose(alive -> !alive ? Future.succeededFuture(null)
              : vertx.fileSystem().readFile(cmdline).map(c -> {
                for (String mark : marks) if (!c.toString().contains(mark)) return null;
                return Long.valueOf(text);
              }));
        }));
  }

  /**
   * Stops process {@code pid}. Done means gone: it is given {@link #STOP_GRACE_MS} to exit after SIGTERM, then
   * killed.
   */
  static Future<Void> stop(Vertx vertx, HostCommands commands, long pid) {
    return commands.run(List.of("kill", "-TERM", String.valueOf(pid)))
        .compose(v -> exited(vertx, pid, System.currentTimeMillis() + STOP_GRACE_MS))
        .compose(gone -> gone ? Future.succeededFuture()
            : commands.run(List.of("kill", "-KILL", String.valueOf(pid))).mapEmpty());
  }

  /**
   * Whether process {@code pid} exits before {@code deadline} (looked at every 50 ms on a timer). An exited process
   * nobody reaped yet (a zombie: its command line is empty) counts as gone.
   */
  private static Future<Boolean> exited(Vertx vertx, long pid, long deadline) {
    String cmdline = "/proc/" + pid + "/cmdline";
    return vertx.fileSystem().readFile(cmdline).map(b -> b.length() > 0).recover(e -> Future.succeededFuture(false))
        .compose(alive -> {
          if (!alive) return Future.succeededFuture(true);
          if (System.currentTimeMillis() > deadline) return Future.succeededFuture(false);
          Promise<Boolean> later = Promise.promise();
          vertx.setTimer(50, t -> exited(vertx, pid, deadline).onComplete(later));
          return later.future();
        });
  }
}
