package io.strato.image;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** A project an image is shared with, and its answer ({@code pending}, {@code accepted}, {@code rejected}). */
record ImageMember(String imageId, String memberId, String status, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {
  static final Set<String> STATUSES = Set.of("pending", "accepted", "rejected");
  static final String COLUMNS = "image_id, member, status, created_at, updated_at";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  static ImageMember from(Row r) {
    return new ImageMember(r.getUUID("image_id").toString(), r.getString("member"), r.getString("status"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  /** Glance's member view. */
  JsonObject toJson() {
    return new JsonObject().put("image_id", imageId).put("member_id", memberId).put("status", status)
        .put("created_at", TIME.format(createdAt.withOffsetSameInstant(ZoneOffset.UTC)))
        .put("updated_at", TIME.format(updatedAt.withOffsetSameInstant(ZoneOffset.UTC)))
        .put("schema", "/v2/schemas/member");
  }
}
