package io.strato.image;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Image members in the {@code glance} schema; a member's row goes with its image. */
final class ImageMembers {
  private final Pool pool;

  ImageMembers(Pool pool) {
    this.pool = pool;
  }

  /** Shares the image with {@code member} ({@code pending}); 409 when it already is. */
  Future<ImageMember> add(String imageId, String member) {
    return pool.preparedQuery("INSERT INTO image_members(image_id, member) VALUES ($1, $2) RETURNING "
            + ImageMember.COLUMNS).execute(Tuple.of(UUID.fromString(imageId), member))
        .map(rows -> ImageMember.from(rows.iterator().next()))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("Member " + member + " already associated with image " + imageId + ".") : e));
  }

  /** Every member of the image, or only {@code onlyMember} when not null. */
  Future<List<ImageMember>> list(String imageId, String onlyMember) {
    return pool.preparedQuery("SELECT " + ImageMember.COLUMNS + " FROM image_members WHERE image_id = $1"
            + " AND ($2::text IS NULL OR member = $2) ORDER BY created_at, member")
        .execute(Tuple.of(UUID.fromString(imageId), onlyMember)).map(rows -> {
          List<ImageMember> out = new ArrayList<>();
          for (Row r : rows) out.add(ImageMember.from(r));
          return out;
        });
  }

  Future<ImageMember> get(String imageId, String member) {
    return pool.preparedQuery("SELECT " + ImageMember.COLUMNS + " FROM image_members WHERE image_id = $1"
            + " AND member = $2").execute(Tuple.of(UUID.fromString(imageId), member))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(imageId, member);
          return ImageMember.from(rows.iterator().next());
        });
  }

  Future<ImageMember> setStatus(String imageId, String member, String status) {
    return pool.preparedQuery("UPDATE image_members SET status = $3, updated_at = now() WHERE image_id = $1"
            + " AND member = $2 RETURNING " + ImageMember.COLUMNS)
        .execute(Tuple.of(UUID.fromString(imageId), member, status)).map(rows -> {
          if (rows.size() == 0) throw notFound(imageId, member);
          return ImageMember.from(rows.iterator().next());
        });
  }

  Future<Void> delete(String imageId, String member) {
    return pool.preparedQuery("DELETE FROM image_members WHERE image_id = $1 AND member = $2")
        .execute(Tuple.of(UUID.fromString(imageId), member)).map(r -> {
          if (r.rowCount() == 0) throw notFound(imageId, member);
          return null;
        });
  }

  static ApiException notFound(String imageId, String member) {
    return ApiException.notFound(member + " is not a member of image " + imageId + ".");
  }
}
