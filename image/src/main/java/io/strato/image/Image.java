package io.strato.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** One image record, and Glance's flat JSON view of it (core fields, then every extra property at top level). */
public record Image(String id, String name, String status, String visibility, String containerFormat,
    String diskFormat, Long size, Long virtualSize, int minDisk, int minRam, String checksum, String osHashAlgo,
    String osHashValue, String owner, boolean isProtected, boolean hidden, JsonArray tags, JsonObject properties,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  public static final String COLUMNS = "id, name, status, visibility, container_format, disk_format, size,"
      + " virtual_size, min_disk, min_ram, checksum, os_hash_algo, os_hash_value, owner, protected, os_hidden, tags,"
      + " properties, created_at, updated_at";

  /** Fields Glance keeps itself; everything else a client sends is a free-form string property. */
  public static final Set<String> CORE = Set.of("id", "name", "status", "visibility", "container_format",
      "disk_format", "size", "virtual_size", "min_disk", "min_ram", "checksum", "os_hash_algo", "os_hash_value",
      "owner", "protected", "os_hidden", "tags", "created_at", "updated_at", "file", "self", "schema", "locations",
      "direct_url");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  public static Image from(Row r) {
    return new Image(r.getUUID("id").toString(), r.getString("name"), r.getString("status"),
        r.getString("visibility"), r.getString("container_format"), r.getString("disk_format"), r.getLong("size"),
        r.getLong("virtual_size"), r.getInteger("min_disk"), r.getInteger("min_ram"), r.getString("checksum"),
        r.getString("os_hash_algo"), r.getString("os_hash_value"), r.getString("owner"), r.getBoolean("protected"),
        r.getBoolean("os_hidden"), (JsonArray) r.getValue("tags"), r.getJsonObject("properties"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  public JsonObject toJson() {
    JsonObject j = properties.copy();
    j.put("id", id).put("name", name).put("status", status).put("visibility", visibility)
        .put("container_format", containerFormat).put("disk_format", diskFormat).put("size", size)
        .put("virtual_size", virtualSize).put("min_disk", minDisk).put("min_ram", minRam).put("checksum", checksum)
        .put("os_hash_algo", osHashAlgo).put("os_hash_value", osHashValue).put("owner", owner)
        .put("protected", isProtected).put("os_hidden", hidden).put("tags", tags)
        .put("created_at", time(createdAt)).put("updated_at", time(updatedAt))
        .put("file", "/v2/images/" + id + "/file").put("self", "/v2/images/" + id).put("schema", "/v2/schemas/image");
    return j;
  }

  private static String time(OffsetDateTime t) {
    return TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
