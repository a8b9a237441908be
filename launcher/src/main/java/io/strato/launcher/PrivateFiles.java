package io.strato.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files only their owner may read (0700 / 0600), made so that they are never readable by others for any
 * moment: a folder is created with its mode, and a file is written to a private temporary file in the same folder,
 * then renamed over the old one in one atomic step (a reader sees the old content or the new, never a part).
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) as 0700, or takes an existing one down to 0700. */
  static Path folder(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      Files.setPosixFilePermissions(dir, FOLDER);
    } else {
      FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FOLDER);
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.createDirectory(dir, mode);
    }
    return dir;
  }

  /** Replaces {@code file} with {@code content}, as 0600, atomically. */
  static void write(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE));
    try {
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
