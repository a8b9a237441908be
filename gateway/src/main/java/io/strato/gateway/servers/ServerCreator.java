package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.aggregates.Aggregates;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.references.BootReferences;
import io.strato.gateway.keypairs.Keypairs;
import io.strato.common.db.OutboxRelay;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Steps 4 and 5 of the boot flow: check what the request names (flavor, image, key, group, zone, and with the
 * caller's token in their own services its networks, ports, volumes, kernel, ramdisk and security groups), then hand
 * it to the {@link CreateWriter}, which in one transaction (shared with other creates arriving meanwhile) reserves
 * quota, inserts the instances in {@code BUILD}/{@code scheduling}, records the {@code create} action and puts the
 * boot request and an {@code instance.create.start} notification per instance in the outbox. The reply does not wait
 * for Kafka or the scheduler; the outbox guarantees both reach Kafka once the transaction committed. A batch entry
 * ({@link Origin}) goes the same way, with its idempotency key on the instance.
 */
public final class ServerCreator {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PASSWORD_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final GatewayConfig config;
  private final Flavors flavors;
  private final Aggregates aggregates;
  private final Keypairs keypairs;
  private final ServerGroups groups;
  private final ImageLookup images;
  private final BootReferences references;
  private final CreateWriter writer;

  /** What a create produced: the instances (in launch order), the reservation and the admin password. */
  public record Created(List<String> instanceIds, String reservationId, String adminPass) {}

  /**
   * A create that is a batch entry rather than a REST call: exactly one instance, carrying the batch id and the
   * idempotency key, and {@code alsoRecord(tx, instanceId)} run in the create's transaction (the batch's books).
   */
  public record Origin(String batchId, String idempotencyKey,
      BiFunction<SqlConnection, String, Future<Void>> alsoRecord) {}

  /** The project already has an instance with this idempotency key; nothing was created. */
  public static final class DuplicateIdempotencyKey extends RuntimeException {
    public DuplicateIdempotencyKey(String key) {
      super("idempotency key " + key + " was already used", null, false, false);
    }
  }

  private static final String IDEMPOTENCY_INDEX = "instances_idempotency";
  /** publisher_id of the notifications the compute API sends. */
  public static final String PUBLISHER = CreateWriter.PUBLISHER;

  public ServerCreator(Pool pool, GatewayConfig config, Flavors flavors, Keypairs keypairs, ServerGroups groups,
      Quotas quotas, ImageLookup images, BootReferences references, OutboxRelay relay) {
    this.config = config;
    this.flavors = flavors;
    this.keypairs = keypairs;
    this.groups = groups;
    this.images = images;
    this.references = references;
    this.writer = new CreateWriter(pool, config, groups, quotas, relay);
    this.aggregates = new Aggregates(pool, relay);
  }

  public Future<Created> create(ServerCreateRequest request, Token token, String wireToken, String requestId) {
    return create(request, token, wireToken, requestId, null);
  }

  /**
   * As {@link #create(ServerCreateRequest, Token, String, String)}, for a batch entry when {@code origin} is set:
   * fails with {@link DuplicateIdempotencyKey} (and changes nothing) when the project already used the key.
   */
  public Future<Created> create(ServerCreateRequest request, Token token, String wireToken, String requestId,
      Origin origin) {
    CreatePlan plan = new CreatePlan(request, token, requestId, origin);
    plan.adminPass = request.adminPass() != null ? request.adminPass() : randomString(12);
    if (origin != null && request.maxCount() > 1) {
      throw ApiException.badRequest("A batch entry boots exactly one server: min_count and max_count must be 1.");
    }
    return checkAvailabilityZone(plan)
        .compose(v -> resolveFlavor(plan))
        .compose(v -> resolveImage(plan, wireToken))
        .compose(v -> references.check(new BootReferences.Named(request.networks(), request.blockDevices(),
            request.securityGroups(), plan.image, request.imageId(), request.maxCount()), token, wireToken))
        .compose(v -> resolveKey(plan))
        .compose(v -> checkGroup(plan))
        .compose(v -> writer.record(plan))
        .recover(e -> Future.failedFuture(origin != null && e instanceof PgException pg
            && "23505".equals(pg.getSqlState()) && IDEMPOTENCY_INDEX.equals(pg.getConstraint())
            ? new DuplicateIdempotencyKey(origin.idempotencyKey()) : e))
        .map(v -> new Created(plan.ids, plan.reservationId, plan.adminPass));
  }

  /** A configured zone, or one a host aggregate makes (os-aggregates); 400 otherwise, as Nova. */
  private Future<Void> checkAvailabilityZone(CreatePlan plan) {
    String az = plan.request.availabilityZone();
    if (az == null) return Future.succeededFuture();
    String zone = az.contains(":") ? az.substring(0, az.indexOf(':')) : az;
    if (az.contains(":") && !plan.token.isAdmin()) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
    }
    if (zone.isEmpty() || config.availabilityZones().contains(zone)) return Future.succeededFuture();
    return aggregates.zoneExists(zone).map(exists -> {
      if (!exists) throw ApiException.badRequest("The requested availability zone is not available");
      return null;
    });
  }

  private Future<Void> resolveFlavor(CreatePlan plan) {
    return flavors.get(plan.request.flavorId())
        .recover(e -> Future.failedFuture(e instanceof ApiException a && a.status() == 404
            ? ApiException.badRequest("Flavor " + plan.request.flavorId() + " could not be found.") : e))
        .map(f -> {
          if (f.disabled()) throw ApiException.badRequest("Flavor " + f.id() + " is disabled.");
          if (!f.isPublic() && !plan.token.isAdmin()) {
            throw ApiException.badRequest("Flavor " + f.id() + " could not be found.");
          }
          plan.flavor = f;
          return null;
        });
  }

  private Future<Void> resolveImage(CreatePlan plan, String wireToken) {
    if (plan.request.imageId().isEmpty()) return Future.succeededFuture();
    return images.activeImage(plan.request.imageId(), wireToken, plan.token.projectId(), plan.token.isAdmin())
        .map(image -> {
      ImageFit.check(image, plan.flavor.ramMb(), plan.flavor.diskGb());
      plan.image = image;
      return null;
    });
  }

  private Future<Void> resolveKey(CreatePlan plan) {
    if (plan.request.keyName() == null) return Future.succeededFuture();
    return keypairs.get(plan.token.userId(), plan.request.keyName())
        .recover(e -> Future.failedFuture(ApiException.badRequest("Invalid key_name provided.")))
        .map(k -> {
          plan.keyData = k.getString("public_key");
          return null;
        });
  }

  private Future<Void> checkGroup(CreatePlan plan) {
    if (plan.request.groupId() == null) return Future.succeededFuture();
    String id = plan.request.groupId();
    return groups.get(id)
        .recover(e -> Future.failedFuture(ApiException.badRequest("Invalid server group " + id + ".")))
        .map(g -> {
          if (!g.getString("project_id").equals(plan.token.projectId())) {
            throw ApiException.badRequest("Invalid server group " + id + ".");
          }
          plan.groupPolicy = g.getString("policy");
          return null;
        });
  }

  /** A random password of {@code length} characters (adminPass at create and rebuild). */
  public static String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) sb.append(PASSWORD_CHARS.charAt(RANDOM.nextInt(PASSWORD_CHARS.length())));
    return sb.toString();
  }

}
