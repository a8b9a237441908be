package io.strato.common.disk;

/**
 * A disk image that must not be used: its data is not the format it claims, it names another file (a backing file,
 * an external data file, VMDK extents), or it could not be inspected within its limits. The message is meant for
 * the tenant who supplied the image and never contains a path of this host.
 */
public final class DiskRefusedException extends RuntimeException {
  public DiskRefusedException(String message) {
    super(message, null, false, false);
  }
}
