package io.strato.scheduler;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a Chronicle Map file that every scheduler process on this machine may share. A process killed inside an
 * update (kill -9, the OOM killer) can leave a segment lock behind, and every later update of that segment would wait
 * for it; {@code recoverPersistedTo} clears such locks, but must not run while another process uses the file. So each
 * process holds a shared lock on {@code <file>.users} while it has the map open, and the one that finds nobody else
 * holding it at start-up is alone: it recovers the file before using it.
 *
 * <p>Two regions of {@code <file>.users} are locked: byte 0 serialises start-ups (held only while opening), byte 1
 * is held shared by every process using the map, so "alone" and "recover" happen under one mutex, race-free.
 */
public final class PersistedMaps {
  private static final Logger LOG = LoggerFactory.getLogger(PersistedMaps.class);
  /** Users in this JVM, per file: a JVM holds one file lock per region (Java refuses overlapping ones). */
  private static final Map<Path, Users> IN_THIS_JVM = new HashMap<>();

  private PersistedMaps() {}

  /** An open map and this process's use of its file; closing it closes the map, then gives the file up. */
  public record Opened<K, V>(ChronicleMap<K, V> map, Closeable users) implements Closeable {
    @Override
    public void close() throws IOException {
      try {
        map.close();
      } finally {
        users.close();
      }
    }
  }

  /** Opens {@code file} with {@code builder}, creating it when absent and recovering it when this process is alone. */
  public static synchronized <K, V> Opened<K, V> open(ChronicleMapBuilder<K, V> builder, File file)
      throws IOException {
    Path key = file.toPath().toAbsolutePath().normalize();
    Users held = IN_THIS_JVM.get(key);
    if (held != null) {
      held.count++;
      return new Opened<>(builder.createPersistedTo(file), () -> release(key));
    }
    FileChannel channel = FileChannel.open(Path.of(key + ".users"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try (FileLock startup = channel.lock(0, 1, false)) {
      FileLock alone = channel.tryLock(1, 1, false);
      ChronicleMap<K, V> map;
      if (alone != null) {
        map = file.length() > 0 ? recover(builder, file) : builder.createPersistedTo(file);
        alone.release();
      } else {
        map = builder.createPersistedTo(file);
      }
      IN_THIS_JVM.put(key, new Users(channel, channel.lock(1, 1, true)));
      return new Opened<>(map, () -> release(key));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static <K, V> ChronicleMap<K, V> recover(ChronicleMapBuilder<K, V> builder, File file) throws IOException {
    LOG.info("{}: no other process uses it; recovering it (locks a killed process left are cleared)", file);
    return builder.recoverPersistedTo(file, true,
        corruption -> LOG.warn("{}: repaired on recovery: {}", file, corruption.message()));
  }

  private static synchronized void release(Path key) throws IOException {
    Users held = IN_THIS_JVM.get(key);
    if (held == null || --held.count > 0) return;
    IN_THIS_JVM.remove(key);
    held.channel.close(); // releases its locks
  }

  private static final class Users {
    final FileChannel channel;
    final FileLock shared;
    int count = 1;

    Users(FileChannel channel, FileLock shared) {
      this.channel = channel;
      this.shared = shared;
    }
  }
}
