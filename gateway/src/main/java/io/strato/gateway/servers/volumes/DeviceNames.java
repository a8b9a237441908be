package io.strato.gateway.servers.volumes;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest device names of an instance's disks, as the libvirt driver names virtio disks: the root disk is
 * {@code /dev/vda} (the image's overlay, or the boot volume), then {@code /dev/vdb}, {@code /dev/vdc}... A volume
 * attached at boot has no device recorded; it gets the name the build gave it (block device mappings in order, after
 * the root). Pure: no I/O.
 */
public final class DeviceNames {
  /** Nova's device name schema ({@code attach_volume}): a prefix such as /dev/vd or /dev/xvd, then letters. */
  private static final Pattern DEVICE = Pattern.compile("(^/dev/x?[a-z]?d?)([a-z]+)[0-9]*$");
  static final String ROOT = "/dev/vda";
  private static final int MAX_DISKS = 26;

  private DeviceNames() {}

  /** Each attached volume's device, by volume id, in the order of {@code volumesAttached}. */
  public static Map<String, String> of(JsonArray volumesAttached, boolean bootsFromVolume) {
    Map<String, String> out = new LinkedHashMap<>();
    char next = bootsFromVolume ? 'a' : 'b';
    for (Object o : volumesAttached) {
      JsonObject v = (JsonObject) o;
      String device = v.getString("device");
      if (device == null) device = "/dev/vd" + next++;
      out.put(v.getString("id"), device);
    }
    return out;
  }

  /**
   * The device for a new volume: the one asked for (as a virtio name: {@code /dev/sdc} is {@code /dev/vdc}) when it is
   * free, else 409 (Nova's DevicePathInUse); with none asked, the first free one. 400 for a name Nova refuses.
   */
  public static String pick(JsonArray volumesAttached, boolean bootsFromVolume, String asked) {
    var taken = new java.util.HashSet<>(of(volumesAttached, bootsFromVolume).values());
    taken.add(ROOT);
    if (asked != null && !asked.equals("auto")) {
      String device = "/dev/vd" + letters(asked);
      if (taken.contains(device)) throw ApiException.conflict("The supplied device path (" + asked + ") is in use.");
      return device;
    }
    for (int i = 0; i < MAX_DISKS; i++) {
      String device = "/dev/vd" + (char) ('a' + i);
      if (!taken.contains(device)) return device;
    }
    throw ApiException.badRequest("No free disk device names for prefix 'vd'");
  }

  /** The letters of a device name Nova accepts ({@code /dev/vdb} -> {@code b}); 400 otherwise. */
  static String letters(String device) {
    Matcher m = DEVICE.matcher(device);
    if (!m.matches()) {
      throw ApiException.badRequest("Invalid input for field/attribute device. Value: " + device + ". '" + device
          + "' does not match '" + DEVICE.pattern() + "'");
    }
    return m.group(2);
  }
}
