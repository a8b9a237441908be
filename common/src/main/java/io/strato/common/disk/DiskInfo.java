package io.strato.common.disk;

import io.vertx.core.json.JsonObject;

/**
 * What {@code qemu-img info --output=json} found in a disk image.
 *
 * @param format the format QEMU recognised ({@code raw}, {@code qcow2}, {@code vmdk}, {@code vpc}, ...)
 * @param virtualSize the size of the disk the guest sees, in bytes
 * @param backingFile the backing file the image names, or null
 * @param dataFile the external data file a qcow2 names, or null
 * @param vmdkCreateType a VMDK's {@code createType}, or null
 */
public record DiskInfo(String format, long virtualSize, String backingFile, String dataFile, String vmdkCreateType) {

  /** Reads {@code qemu-img info --output=json}; a document without a format or a size is not a disk image. */
  static DiskInfo parse(JsonObject info) {
    String format = info.getValue("format") instanceof String s ? s : null;
    Object size = info.getValue("virtual-size");
    if (format == null || !(size instanceof Number n)) {
      throw new DiskRefusedException("Image format inspection failed");
    }
    JsonObject specific = info.getValue("format-specific") instanceof JsonObject o ? o : new JsonObject();
    JsonObject data = specific.getValue("data") instanceof JsonObject o ? o : new JsonObject();
    return new DiskInfo(format, n.longValue(), text(info.getValue("backing-filename")),
        text(data.getValue("data-file")), "vmdk".equals(format) ? text(data.getValue("create-type")) : null);
  }

  private static String text(Object v) {
    return v == null ? null : String.valueOf(v);
  }
}
