package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Image records in the {@code glance} schema. Status changes are compare-and-set on the expected status
 * ({@code queued -> saving -> active}, {@code saving -> killed}), so two uploads to one image cannot both run.
 */
public final class Images {
  private final Pool pool;
  private final ImageQuotas quotas;

  Images(Pool pool, ImageQuotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  /** A new image of {@code owner}, within its {@code image_count_total} (413 beyond it). */
  public Future<Image> insert(String id, JsonObject fields, String owner) {
    return pool.withTransaction(tx -> quotas.reserveImage(tx, owner).compose(v -> tx.preparedQuery("INSERT INTO images(id, name, visibility, container_format, disk_format, min_disk,"
            + " min_ram, owner, protected, os_hidden, tags, properties) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
            + " RETURNING " + Image.COLUMNS)
        .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addString(fields.getString("name"))
            .addString(fields.getString("visibility", "shared")).addString(fields.getString("container_format"))
            .addString(fields.getString("disk_format")).addInteger(fields.getInteger("min_disk", 0))
            .addInteger(fields.getInteger("min_ram", 0)).addString(owner)
            .addBoolean(fields.getBoolean("protected", false)).addBoolean(fields.getBoolean("os_hidden", false))
            .addValue(fields.getJsonArray("tags", new JsonArray())).addValue(fields.getJsonObject("properties")))))
        .map(rows -> Image.from(rows.iterator().next()))
        .recover(e -> Future.failedFuture(e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("An image with identifier " + id + " already exists") : e));
  }

  /**
   * The image if the caller may see it (owner, public, community, a {@code shared} image's member whatever its answer,
   * or admin); 404 otherwise.
   */
  public Future<Image> visible(String id, Token token) {
    if (!io.strato.common.http.Fields.isUuid(id)) return Future.failedFuture(notFound(id));
    return pool.preparedQuery("SELECT " + Image.COLUMNS + ", EXISTS (SELECT 1 FROM image_members m"
            + " WHERE m.image_id = images.id AND m.member = $2) AS is_member FROM images WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id), token.projectId())).map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          Row row = rows.iterator().next();
          Image image = Image.from(row);
          boolean mine = image.owner().equals(token.projectId());
          boolean open = image.visibility().equals("public") || image.visibility().equals("community");
          boolean sharedWithCaller = image.visibility().equals("shared") && row.getBoolean("is_member");
          if (!mine && !open && !sharedWithCaller && !token.isAdmin()) throw notFound(id);
          return image;
        });
  }

  /**
   * The image if the caller may {@code action} it (a member of its project, or admin): 404 when invisible, 403 when
   * another project's or when the caller's role only reads.
   */
  public Future<Image> owned(String id, Token token, String action) {
    return visible(id, token).map(image -> {
      if (!image.owner().equals(token.projectId()) && !token.isAdmin()) {
        throw ApiException.forbidden("You are not permitted to modify image " + id + ".");
      }
      ImagePolicy.requireMember(token, action);
      return image;
    });
  }

  public Future<List<Image>> list(ImageQuery query) {
    return pool.preparedQuery(query.sql()).execute(query.args()).map(rows -> {
      List<Image> out = new ArrayList<>();
      for (Row r : rows) out.add(Image.from(r));
      return out;
    });
  }

  public Future<Image> update(Image changed) {
    return pool.preparedQuery("UPDATE images SET name = $2, visibility = $3, container_format = $4, disk_format = $5,"
            + " min_disk = $6, min_ram = $7, protected = $8, os_hidden = $9, tags = $10, properties = $11,"
            + " updated_at = now() WHERE id = $1 RETURNING " + Image.COLUMNS)
        .execute(Tuple.tuple().addUUID(UUID.fromString(changed.id())).addString(changed.name())
            .addString(changed.visibility()).addString(changed.containerFormat()).addString(changed.diskFormat())
            .addInteger(changed.minDisk()).addInteger(changed.minRam()).addBoolean(changed.isProtected())
            .addBoolean(changed.hidden()).addValue(changed.tags()).addValue(changed.properties()))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(changed.id());
          return Image.from(rows.iterator().next());
        });
  }

  /** {@code from -> to} if the image is still in {@code from}; false when someone else moved it first. */
  /** 413 when the owner's active images already take its whole {@code image_size_total}. */
  public Future<Void> checkStorage(String owner) {
    return quotas.checkStorage(pool, owner);
  }

  public Future<Boolean> transition(String id, String from, String to) {
    return pool.preparedQuery("UPDATE images SET status = $3, updated_at = now() WHERE id = $1 AND status = $2")
        .execute(Tuple.of(UUID.fromString(id), from, to)).map(r -> r.rowCount() == 1);
  }

  /** {@code saving -> active} with what the upload measured and what inspection found (the disk's virtual size). */
  public Future<Boolean> activate(String id, long size, long virtualSize, String md5, String sha512) {
    return pool.preparedQuery("UPDATE images SET status = 'active', size = $2, virtual_size = $3, checksum = $4,"
            + " os_hash_algo = 'sha512', os_hash_value = $5, updated_at = now() WHERE id = $1 AND status = 'saving'")
        .execute(Tuple.of(UUID.fromString(id), size, virtualSize, md5, sha512)).map(r -> r.rowCount() == 1);
  }

  public Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM images WHERE id = $1").execute(Tuple.of(UUID.fromString(id))).mapEmpty();
  }

  static ApiException notFound(String id) {
    return ApiException.notFound("No image found with ID " + id);
  }
}
