package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code POST /volumes} body. Cinder's clients send every field, most of them {@code null}
 * ({@code source_volid}, {@code consistencygroup_id}...); those are accepted when null and refused when set, since
 * this backend makes volumes blank, from an image or from a snapshot only. Unknown fields are ignored. A volume from
 * a snapshot may leave out {@code size} (then 0 here: the snapshot's size is meant, {@link #withSize}).
 */
public record VolumeRequest(int size, String name, String description, String imageRef, String availabilityZone,
    String volumeType, JsonObject metadata, String snapshotId) {

  public static final int MAX_SIZE_GB = 16 * 1024;
  public static final int MAX_TEXT = 255;

  public static VolumeRequest parse(JsonObject v, String defaultAz) {
    Integer size = Fields.optionalInt(v, "size", 1, MAX_SIZE_GB);
    String snapshot = Fields.optionalString(v, "snapshot_id", MAX_TEXT);
    if (size == null && snapshot == null) {
      throw ApiException.badRequest("Invalid input received: Volume size must be an integer between 1 and "
          + MAX_SIZE_GB + " (GB).");
    }
    String name = text(v, "name", "display_name");
    String description = text(v, "description", "display_description");
    String image = Fields.optionalString(v, "imageRef", MAX_TEXT);
    if (image == null) image = Fields.optionalString(v, "image_id", MAX_TEXT);
    if (image != null && !Fields.isUuid(image)) {
      throw ApiException.badRequest("Invalid image identifier or unable to access requested image.");
    }
    String az = Fields.optionalString(v, "availability_zone", MAX_TEXT);
    if (az != null && !az.equals(defaultAz)) {
      throw ApiException.badRequest("Invalid input received: Availability zone '" + az + "' is invalid.");
    }
    String type = VolumeTypes.resolve(Fields.optionalString(v, "volume_type", MAX_TEXT));
    if (snapshot != null && image != null) {
      throw ApiException.badRequest("Invalid input received: a volume is made from an image or from a snapshot, not"
          + " both.");
    }
    for (String unsupported : new String[] {"source_volid", "backup_id", "consistencygroup_id",
        "group_id", "source_replica"}) {
      if (v.getValue(unsupported) != null) {
        throw ApiException.badRequest("Invalid input received: creating a volume with '" + unsupported
            + "' is not supported by this cloud.");
      }
    }
    if (Boolean.TRUE.equals(Fields.optionalBoolean(v, "multiattach"))) {
      throw ApiException.badRequest("Invalid input received: multiattach volumes are not supported by this cloud.");
    }
    return new VolumeRequest(size == null ? 0 : size, name, description,
        image == null ? null : Fields.uuid(image, "imageRef"), az == null ? defaultAz : az, type,
        metadata(v.getValue("metadata")), snapshot);
  }

  /** This request at {@code sizeGb} (a from-snapshot volume's size once the snapshot is known). */
  public VolumeRequest withSize(int sizeGb) {
    return new VolumeRequest(sizeGb, name, description, imageRef, availabilityZone, volumeType, metadata, snapshotId);
  }

  /** Volume metadata: string keys of 1 to 255 characters with string values of up to 255; 400 otherwise. */
  public static JsonObject metadata(Object value) {
    if (value == null) return new JsonObject();
    if (!(value instanceof JsonObject m)) {
      throw ApiException.badRequest("Invalid input for field/attribute metadata: it is not of type 'object'.");
    }
    for (String key : m.fieldNames()) {
      if (key.isEmpty() || key.length() > MAX_TEXT) {
        throw ApiException.badRequest("Invalid input for field/attribute metadata: key '" + key
            + "' must be 1 to 255 characters.");
      }
      if (!(m.getValue(key) instanceof String s) || s.length() > MAX_TEXT) {
        throw ApiException.badRequest("Invalid input for field/attribute metadata: the value of '" + key
            + "' must be a string of at most 255 characters.");
      }
    }
    return m.copy();
  }

  /** {@code name} or its legacy alias {@code display_name}. */
  public static String text(JsonObject v, String field, String legacy) {
    String s = Fields.optionalString(v, field, MAX_TEXT);
    return s != null ? s : Fields.optionalString(v, legacy, MAX_TEXT);
  }
}
